package io.zreliable.titanic;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on the store directory's lock file, held while the store is open, so that two Titanic
 * processes (or two stores in one process) never write the same files. Released by the OS if the process dies.
 */
final class StoreLock implements AutoCloseable {
    static final String FILE_NAME = "titanic.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static StoreLock acquire(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot open the store lock file: " + e.getMessage(), e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new TitanicStoreException(file,
                        "store is locked by another process; stop the other Titanic or use another store directory");
            }
            return new StoreLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new TitanicStoreException(file, "store is already open in this process");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new TitanicStoreException(file, "cannot lock the store: " + e.getMessage(), e);
        } catch (TitanicStoreException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it anyway
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
