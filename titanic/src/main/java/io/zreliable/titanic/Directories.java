package io.zreliable.titanic;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Making a directory's entries (a created, renamed or deleted file) durable. */
final class Directories {
    private Directories() {
    }

    /** fsyncs the directory; a platform that cannot sync a directory still renames atomically, so it is skipped. */
    static void sync(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // not every platform can sync a directory
        }
    }
}
