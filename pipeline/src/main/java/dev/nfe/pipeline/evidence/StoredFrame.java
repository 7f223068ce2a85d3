package dev.nfe.pipeline.evidence;

/**
 * A frame the live agent keeps for evidence, as captured: its own array (the capture thread already
 * copied it out of the kernel ring, so keeping it costs no copy), the original length, the
 * timestamp and the link type of its interface, and the TCP flags that decide its comment.
 *
 * @param source  index of the interface
 * @param number  the frame's number on that interface (the dissector's frame numbers)
 * @param tsresol the interface's pcapng if_tsresol (6 microseconds, 9 nanoseconds)
 */
record StoredFrame(int source, long number, long tsNanos, int linkType, int tsresol, byte[] data, int originalLength,
                   boolean rst, boolean fin) {
    /** Bytes held: the frame and about what the record, its array header and its slot cost. */
    long cost() {
        return data.length + 80L;
    }

    /** Capture order across interfaces: time, then interface, then number. */
    static int compare(StoredFrame a, StoredFrame b) {
        int c = Long.compare(a.tsNanos, b.tsNanos);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.source, b.source);
        return c != 0 ? c : Long.compare(a.number, b.number);
    }
}
