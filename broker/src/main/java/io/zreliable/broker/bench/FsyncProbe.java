package io.zreliable.broker.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The disk's durable-write ceiling, measured on the directory a store would use: records appended to a file and
 * forced to disk, either after every record or after every batch. Titanic's group commit is judged against it.
 */
final class FsyncProbe {
    private FsyncProbe() {
    }

    /**
     * Appends records of {@code recordBytes} for {@code durationMillis}, forcing after every {@code batch} records.
     * Latency is per force, so with batches it is the wait of a whole batch.
     */
    static LatencySample run(Path directory, int recordBytes, int batch, long durationMillis) throws IOException {
        Path file = Files.createTempFile(directory, "fsync-probe", ".bin");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer record = ByteBuffer.allocateDirect(recordBytes);
            LatencyRecorder recorder = new LatencyRecorder();
            long records = 0;
            long start = System.nanoTime();
            long end = start + durationMillis * 1_000_000L;
            long now = start;
            while (now < end) {
                long batchStart = now;
                for (int i = 0; i < batch; i++) {
                    record.clear();
                    while (record.hasRemaining()) {
                        channel.write(record);
                    }
                }
                channel.force(false);
                records += batch;
                now = System.nanoTime();
                recorder.record(now - batchStart);
            }
            LatencySample perForce = recorder.sample(now - start);
            return new LatencySample(records, now - start, perForce.p50Micros(), perForce.p99Micros(),
                    perForce.p999Micros());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
