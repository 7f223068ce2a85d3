package dev.nfe.pipeline.replay;

import dev.nfe.pipeline.Defaults;

import dev.nfe.dissect.DissectorConfig;

/**
 * How a replay runs.
 *
 * @param workers          dissector threads; flows are sharded across them by flow hash
 * @param batchSize        segments handed to a worker at once
 * @param watermarkFrames  every this many frames event time advances in all workers (idle flows
 *                         expire, output is merged): a property of the input, so results do not
 *                         depend on the number of workers or on scheduling
 * @param queueDepth       batches queued per worker (bounded memory)
 * @param dissector        limits and timeouts; {@code capture} is replaced by each file's name
 * @param opener           how files are read
 * @param incidentGapNanos quiet time that separates two incidents of one server and kind
 * @param incidentMinCount smallest group reported as an incident
 */
public record ReplayOptions(
        int workers,
        int batchSize,
        int watermarkFrames,
        int queueDepth,
        DissectorConfig dissector,
        CaptureOpener opener,
        long incidentGapNanos,
        int incidentMinCount) {

    public ReplayOptions {
        if (workers < 1 || batchSize < 1 || watermarkFrames < 1 || queueDepth < 1 || incidentMinCount < 1) {
            throw new IllegalArgumentException("invalid replay options");
        }
    }

    /** The defaults ({@link Defaults}) for everything but the number of workers, the limits and the reader. */
    public static ReplayOptions defaults(int workers, DissectorConfig dissector, CaptureOpener opener) {
        return new ReplayOptions(workers, Defaults.REPLAY_BATCH, Defaults.WATERMARK_FRAMES, Defaults.REPLAY_QUEUE_DEPTH,
                dissector, opener, Defaults.INCIDENT_GAP_SECONDS * 1_000_000_000L, Defaults.INCIDENT_MIN);
    }

    /** The same with another incident gap and minimum size. */
    public ReplayOptions withIncidents(long gapNanos, int minCount) {
        return new ReplayOptions(workers, batchSize, watermarkFrames, queueDepth, dissector, opener, gapNanos, minCount);
    }
}
