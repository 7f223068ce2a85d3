package dev.nfe.capture;

import java.io.IOException;

/**
 * A capture file is truncated or corrupt at {@link #byteOffset()}. Every frame before that offset
 * has been delivered; nothing after it can be trusted.
 */
public class CaptureDamagedException extends IOException {
    private final long byteOffset;
    private final long framesRead;

    public CaptureDamagedException(String message, long byteOffset, long framesRead) {
        super(message);
        this.byteOffset = byteOffset;
        this.framesRead = framesRead;
    }

    /** Offset in the file of the first byte that could not be read as a valid record/block. */
    public long byteOffset() {
        return byteOffset;
    }

    /** Frames successfully delivered before the damage. */
    public long framesRead() {
        return framesRead;
    }
}
