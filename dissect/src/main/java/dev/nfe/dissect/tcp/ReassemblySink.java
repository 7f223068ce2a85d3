package dev.nfe.dissect.tcp;

/** Receives one direction's byte stream in order, exactly once, with the holes announced. */
public interface ReassemblySink {
    /**
     * In-order bytes. {@code frame}/{@code tsNanos} are those of the segment that delivered
     * them or, for bytes held back out of order, of the segment that filled the hole before them.
     * The array is only valid during the call.
     */
    void data(byte[] buf, int off, int len, long frame, long tsNanos);

    /** {@code bytes} of the stream were never captured (lost, cut by snaplen, or given up on). */
    void gap(long bytes, long frame, long tsNanos);
}
