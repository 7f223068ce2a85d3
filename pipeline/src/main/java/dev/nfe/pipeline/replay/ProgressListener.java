package dev.nfe.pipeline.replay;

/** Told how far the reader has come in the current file (called from the reader thread). */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (capture, position, size, frames) -> {
    };

    void progress(String capture, long position, long size, long frames);
}
