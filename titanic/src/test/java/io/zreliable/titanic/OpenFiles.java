package io.zreliable.titanic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files this JVM holds open, from /proc/self/fd (Linux). */
final class OpenFiles {
    private static final Path FDS = Path.of("/proc/self/fd");

    private OpenFiles() {
    }

    static boolean visible() {
        return Files.isDirectory(FDS);
    }

    /** The open files at or under {@code dir}. */
    static List<Path> under(Path dir) throws IOException {
        Path root = dir.toAbsolutePath();
        List<Path> held = new ArrayList<>();
        try (var fds = Files.list(FDS)) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(root)) {
                        held.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed while listing
                }
            }
        }
        return held;
    }
}
