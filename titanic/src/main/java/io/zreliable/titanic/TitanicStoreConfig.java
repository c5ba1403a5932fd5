package io.zreliable.titanic;

import io.zreliable.common.Require;
import java.nio.file.Path;

/**
 * Where the Titanic store lives and its limits. Immutable; build with {@link #builder(Path)}.
 * <ul>
 * <li>{@code maxEntries}: requests held (waiting or answered, not closed); new requests beyond it are refused.</li>
 * <li>{@code maxLiveBytes}: bytes of stored requests and replies; new requests beyond it are refused.</li>
 * <li>{@code maxRequestBytes}: largest single request or reply (all frames).</li>
 * <li>{@code fileSizeAlarmBytes}: a store file larger than this logs a warning once (compact it, see README).</li>
 * <li>{@code maxBatch}: most operations in one group commit; {@code queueCapacity}: operations waiting for the
 * writer, beyond which callers are refused at once.</li>
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

    private TitanicStoreConfig(Builder b) {
        this.directory = Require.notNull(b.directory, "store directory");
        this.maxEntries = Require.positive(b.maxEntries, "max stored requests");
        this.maxLiveBytes = Require.positive(b.maxLiveBytes, "max live bytes");
        this.maxRequestBytes = Require.positive(b.maxRequestBytes, "max request bytes");
        this.fileSizeAlarmBytes = Require.positive(b.fileSizeAlarmBytes, "store file size alarm");
        this.maxBatch = Require.positive(b.maxBatch, "max batch");
        this.queueCapacity = Require.positive(b.queueCapacity, "store queue capacity");
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

    public static final class Builder {
        private final Path directory;
        private int maxEntries = 100_000;
        private long maxLiveBytes = 1L << 30;
        private int maxRequestBytes = 1 << 20;
        private long fileSizeAlarmBytes = 4L << 30;
        private int maxBatch = 1_000;
        private int queueCapacity = 10_000;

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

        public TitanicStoreConfig build() {
            return new TitanicStoreConfig(this);
        }
    }
}
