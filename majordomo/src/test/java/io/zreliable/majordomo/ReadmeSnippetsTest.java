package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.RetryPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMsg;

/**
 * The README's Majordomo snippets, run: each is the code between this file's {@code // snippet:NAME} and
 * {@code // end:NAME} lines, and the README's block after {@code <!-- snippet:NAME -->} must be the same text.
 */
class ReadmeSnippetsTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path SELF = Path.of("src", "test", "java", "io", "zreliable", "majordomo",
            "ReadmeSnippetsTest.java");
    /** The indentation of a snippet inside its test method. */
    private static final String INDENT = " ".repeat(8);

    private final MdpTestKit kit = new MdpTestKit();

    @AfterEach
    void tearDown() {
        kit.close();
    }

    @Test
    void mdp02Streaming() throws Exception {
        String endpoint = kit.broker("tcp://127.0.0.1:*").endpoints().get(0);
        List<String> lines = new ArrayList<>();
        // snippet:mdp02-streaming
        // An MDP/0.2 worker that streams: each stream.partial(...) is one PARTIAL; the returned message is the FINAL.
        WorkerConfig config = WorkerConfig.builder("countdown").connect(endpoint).protocol(MdpDialect.MDP_0_2).build();
        try (MajordomoWorker worker = MajordomoWorker.streaming(config, (request, stream) -> {
                    for (int i = 3; i > 0; i--) {
                        stream.partial(ZMsg.newStringMsg(Integer.toString(i)));
                    }
                    return ZMsg.newStringMsg("lift-off");
                }).start();
                MajordomoClient client = new MajordomoClient(List.of(endpoint), RetryPolicy.DEFAULT, null,
                        MdpDialect.MDP_0_2);
                AsyncMajordomoClient async = AsyncMajordomoClient.builder().connect(endpoint)
                        .protocol(MdpDialect.MDP_0_2_MAJORTOMO).build();
                MajordomoClient plain = new MajordomoClient(endpoint)) {
            // Synchronous: the parts as they arrive, the FINAL last.
            Iterator<ZMsg> parts = client.stream("countdown", ZMsg.newStringMsg("go"));
            while (parts.hasNext()) {
                lines.add(parts.next().popString());                            // "3", "2", "1", "lift-off"
            }
            // Asynchronous: a callback per PARTIAL (on the client's thread), a future for the FINAL.
            CompletableFuture<ZMsg> last = async.stream("countdown", ZMsg.newStringMsg("go"),
                    part -> lines.add(part.popString()));
            lines.add(last.join().popString());
            // An MDP/0.1 client of the same worker gets one reply with every part's frames.
            lines.add(plain.send("countdown", "go"));                           // "321lift-off"
        }
        // end:mdp02-streaming
        assertEquals(List.of("3", "2", "1", "lift-off", "3", "2", "1", "lift-off", "321lift-off"), lines);
        assertEquals(snippet("mdp02-streaming"), readmeBlock("mdp02-streaming"));
    }

    /** The lines between this file's snippet markers, without the method's indentation. */
    private static String snippet(String name) throws IOException {
        List<String> source = Files.readAllLines(SELF, StandardCharsets.UTF_8);
        int start = indexOf(source, INDENT + "// snippet:" + name) + 1;
        int end = indexOf(source, INDENT + "// end:" + name);
        StringBuilder text = new StringBuilder();
        for (String line : source.subList(start, end)) {
            text.append(line.startsWith(INDENT) ? line.substring(INDENT.length()) : line.strip()).append('\n');
        }
        return text.toString();
    }

    /** The README's java block right after {@code <!-- snippet:NAME -->}. */
    private static String readmeBlock(String name) throws IOException {
        List<String> readme = Files.readAllLines(README, StandardCharsets.UTF_8);
        int marker = indexOf(readme, "<!-- snippet:" + name + " -->");
        assertEquals("```java", readme.get(marker + 1), "a java block follows the marker");
        int end = marker + 2;
        while (!readme.get(end).equals("```")) {
            end++;
        }
        StringBuilder text = new StringBuilder();
        readme.subList(marker + 2, end).forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    private static int indexOf(List<String> lines, String wanted) {
        int at = lines.indexOf(wanted);
        assertTrue(at >= 0, "no line " + wanted);
        return at;
    }
}
