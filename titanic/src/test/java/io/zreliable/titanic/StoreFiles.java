package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Helpers of the store tests: stores written by a child JVM killed with kill -9, and byte surgery on files. */
final class StoreFiles {
    private StoreFiles() {
    }

    /** What a killed child had acknowledged. */
    static final class Acked {
        final List<String> uuids = new ArrayList<>();
        final Map<String, Long> ids = new HashMap<>();
        final Map<String, String> replies = new HashMap<>();
        final Set<String> closed = new HashSet<>();

        void record(String line) {
            String[] parts = line.split(" ");
            switch (parts[0]) {
                case "ACK" -> {
                    uuids.add(parts[1]);
                    ids.put(parts[1], Long.parseLong(parts[2]));
                }
                case "DONE" -> replies.put(parts[1], parts[2]);
                case "CLOSED" -> closed.add(parts[1]);
                default -> {
                    // READY, WROTE
                }
            }
        }
    }

    /** Runs {@code StoreChild write}, which journals {@code count} requests, then kills it (kill -9). */
    static Acked killedAfterWriting(Path dir, int count, long segmentBytes) throws Exception {
        Acked acked = new Acked();
        try (ChildJvm child = ChildJvm.start(StoreChild.class, "write", dir.toString(), Integer.toString(count),
                Long.toString(segmentBytes))) {
            while (true) {
                String line = child.nextLine(120_000);
                assertNotNull(line, "child stopped before writing everything");
                acked.record(line);
                if (line.equals("WROTE")) {
                    break;
                }
            }
            child.kill();
        }
        return acked;
    }

    static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            // Written segments only: the next one may already be prepared, empty.
            return files.filter(f -> Segment.numberOf(f.getFileName().toString()) >= 0 && f.toFile().length() > 0)
                    .sorted().toList();
        }
    }

    /** Start offsets of the records in a segment file, then its size. */
    static List<Long> recordOffsets(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        List<Long> offsets = new ArrayList<>();
        long at = JournalFormat.SEGMENT_HEADER;
        while (at < bytes.length) {
            offsets.add(at);
            at += JournalFormat.size(ByteBuffer.wrap(bytes, (int) at, 4).getInt());
        }
        offsets.add((long) bytes.length);
        return offsets;
    }

    /** Offset of the first occurrence of {@code text} in the file, or -1. */
    static long find(Path file, String text) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x01);
        }
    }

    static void truncate(Path file, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    static void copyStore(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().equals(StoreLock.FILE_NAME)) {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path file : files.toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    static void assertMentions(TitanicStoreException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
    }
}
