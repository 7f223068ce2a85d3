package dev.nfe.pipeline.live;

/**
 * A frame on its way from a capture thread to the processing thread. The array is the frame's
 * own (every reader copies each packet out of the kernel ring), so it can cross threads without a copy.
 *
 * @param source index of the interface in the agent's list
 */
record CapturedFrame(int source, long number, long tsNanos, int linkType, byte[] data, int originalLength) {
    /** What a queued frame costs in memory: its bytes plus the record, array and queue slot. */
    long cost() {
        return data.length + 96L;
    }
}
