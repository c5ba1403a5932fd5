package io.zreliable.titanic;

import io.zreliable.common.Require;
import java.nio.file.Path;

/**
 * Where the Titanic store lives and its limits. Immutable; build with {@link #builder(Path)}.
 * <ul>
 * <li>{@code maxEntries}: requests held (waiting or answered, not closed); new requests beyond it are refused.</li>
 * <li>{@code maxLiveBytes}: bytes of stored requests and replies; new requests beyond it are refused.</li>
 * <li>{@code maxRequestBytes}: largest single request or reply (all frames).</li>
 * <li>{@code fileSizeAlarmBytes}: a state file larger than this, less than half of it live, is rewritten with
 * only its live data; one that stays larger logs a warning once.</li>
 * <li>{@code maxBatch}: most operations in one group commit; {@code queueCapacity}: operations waiting for the
 * writer, beyond which callers are refused at once.</li>
 * <li>{@code segmentBytes}: a journal segment is closed once it holds this many bytes (default 16 MiB).</li>
 * <li>{@code checkpointBytes}, {@code checkpointIntervalMillis}: a checkpoint starts once the changes since the
 * last one reach this many bytes, or this long after it if anything changed (defaults 4 MiB, 1 s). The changes
 * since the last checkpoint are held in memory, up to 16 times {@code checkpointBytes} before writes wait.</li>
 * <li>{@code diskReserveBytes}: new requests are refused while the disk has less free space than this, which is
 * kept for the replies and closes of requests already stored (default 32 MiB).</li>
 * </ul>
 */
public final class TitanicStoreConfig {
    private final Path directory;
    private final int maxEntries;
    private final long maxLiveBytes;
    private final int maxRequestBytes;
    private final long fileSizeAlarmBytes;
    private final int maxBatch;
    private final int queueCapacity;
    private final long segmentBytes;
    private final long checkpointBytes;
    private final long checkpointIntervalMillis;
    private final long diskReserveBytes;

    private TitanicStoreConfig(Builder b) {
        this.directory = Require.notNull(b.directory, "store directory");
        this.maxEntries = Require.positive(b.maxEntries, "max stored requests");
        this.maxLiveBytes = Require.positive(b.maxLiveBytes, "max live bytes");
        this.maxRequestBytes = Require.positive(b.maxRequestBytes, "max request bytes");
        this.fileSizeAlarmBytes = Require.positive(b.fileSizeAlarmBytes, "store file size alarm");
        this.maxBatch = Require.positive(b.maxBatch, "max batch");
        this.queueCapacity = Require.positive(b.queueCapacity, "store queue capacity");
        Require.that(b.segmentBytes >= 4096, "journal segment bytes must be >= 4096");
        this.segmentBytes = b.segmentBytes;
        this.checkpointBytes = Require.positive(b.checkpointBytes, "checkpoint bytes");
        this.checkpointIntervalMillis = Require.positive(b.checkpointIntervalMillis, "checkpoint interval");
        Require.that(b.diskReserveBytes >= 0, "disk reserve must be >= 0");
        this.diskReserveBytes = b.diskReserveBytes;
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    public static TitanicStoreConfig of(Path directory) {
        return builder(directory).build();
    }

    public Path directory() {
        return directory;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public long maxLiveBytes() {
        return maxLiveBytes;
    }

    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    public long fileSizeAlarmBytes() {
        return fileSizeAlarmBytes;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    public long segmentBytes() {
        return segmentBytes;
    }

    public long checkpointBytes() {
        return checkpointBytes;
    }

    public long checkpointIntervalMillis() {
        return checkpointIntervalMillis;
    }

    public long diskReserveBytes() {
        return diskReserveBytes;
    }

    public static final class Builder {
        private final Path directory;
        private int maxEntries = 100_000;
        private long maxLiveBytes = 1L << 30;
        private int maxRequestBytes = 1 << 20;
        private long fileSizeAlarmBytes = 4L << 30;
        private int maxBatch = 1_000;
        private int queueCapacity = 10_000;
        private long segmentBytes = 16L << 20;
        private long checkpointBytes = 4L << 20;
        private long checkpointIntervalMillis = 1_000;
        private long diskReserveBytes = 32L << 20;

        private Builder(Path directory) {
            this.directory = directory;
        }

        public Builder maxEntries(int value) {
            this.maxEntries = value;
            return this;
        }

        public Builder maxLiveBytes(long value) {
            this.maxLiveBytes = value;
            return this;
        }

        public Builder maxRequestBytes(int value) {
            this.maxRequestBytes = value;
            return this;
        }

        public Builder fileSizeAlarmBytes(long value) {
            this.fileSizeAlarmBytes = value;
            return this;
        }

        public Builder maxBatch(int value) {
            this.maxBatch = value;
            return this;
        }

        public Builder queueCapacity(int value) {
            this.queueCapacity = value;
            return this;
        }

        public Builder segmentBytes(long value) {
            this.segmentBytes = value;
            return this;
        }

        public Builder checkpointBytes(long value) {
            this.checkpointBytes = value;
            return this;
        }

        public Builder checkpointIntervalMillis(long value) {
            this.checkpointIntervalMillis = value;
            return this;
        }

        public Builder diskReserveBytes(long value) {
            this.diskReserveBytes = value;
            return this;
        }

        public TitanicStoreConfig build() {
            return new TitanicStoreConfig(this);
        }
    }
}
