package dev.nfe.capture.live;

import java.io.IOException;

/** An interface cannot be opened or read: the message says which and why, and what to do. */
public final class LiveCaptureException extends IOException {
    public LiveCaptureException(String message) {
        super(message);
    }

    public LiveCaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
