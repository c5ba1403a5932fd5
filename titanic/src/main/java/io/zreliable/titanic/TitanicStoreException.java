package io.zreliable.titanic;

import java.nio.file.Path;

/**
 * The Titanic store failed: it cannot be opened (corrupt, locked by another process, not a Titanic store), a commit
 * failed, or a limit was hit. The message names the file concerned, so an operator knows where to look. Unchecked:
 * it mostly travels inside the futures of {@link TitanicStore}.
 */
public class TitanicStoreException extends RuntimeException {
    private final transient Path file;
    private final String reason;

    public TitanicStoreException(Path file, String message) {
        this(file, message, null);
    }

    public TitanicStoreException(Path file, String message, Throwable cause) {
        super(file == null ? message : message + " (" + file + ")", cause);
        this.file = file;
        this.reason = message;
    }

    /** The message without the file name. */
    public String reason() {
        return reason;
    }

    /** The file or directory the failure is about, or null when it concerns none. */
    public Path file() {
        return file;
    }
}
