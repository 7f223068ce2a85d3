package dev.nfe.pipeline;

/**
 * The defaults a user meets, each defined once: the commands use them and print them in their
 * help from here, and the engines that must agree with each other (replay's watermark and the
 * agent's heartbeat) read the same constant.
 */
public final class Defaults {
    private Defaults() {
    }

    /**
     * Frames between two event-time watermarks of replay, and between two heartbeats of a Kafka
     * agent: both paths expire idle flows at the same points of the input, so their results agree.
     */
    public static final int WATERMARK_FRAMES = 16_384;
    /** Segments replay hands a worker at once. */
    public static final int REPLAY_BATCH = 512;
    /** Batches queued per replay worker (bounded memory). */
    public static final int REPLAY_QUEUE_DEPTH = 8;

    /** Quiet time that separates two incidents of one server (the incident engine's own default). */
    public static final int INCIDENT_GAP_SECONDS =
            (int) (dev.nfe.dissect.incident.IncidentConfig.defaults().gapNanos() / 1_000_000_000L);
    /** Smallest group of failures reported as an incident (the incident engine's own default). */
    public static final int INCIDENT_MIN = dev.nfe.dissect.incident.IncidentConfig.defaults().minCount();
    /** Servers counted one by one in a run's summary (the rest as "other servers"). */
    public static final int SUMMARY_SERVERS = 100_000;

    /** Partitions of the segments topic when nfe creates it. */
    public static final int SEGMENT_PARTITIONS = 6;
    /** How often a dissector commits results and offsets (one Kafka transaction each). */
    public static final int COMMIT_INTERVAL_MS = 1000;
    /** Payload bytes per direction of a flow an agent sends to Kafka: any handshake fits. */
    public static final long PAYLOAD_BUDGET = 64 * 1024;
    /** Flows the agent's payload budget remembers. */
    public static final int BUDGET_FLOWS = 1 << 20;

    /** How often a live agent logs and publishes its capture counters. */
    public static final int STATS_INTERVAL_SECONDS = 10;
    /**
     * A live agent's clock: how often event time moves on a quiet interface, how far behind the
     * wall clock it is kept there (frames may still be on their way from the kernel ring, which
     * hands a partly filled block over within ~10 ms), and how soon a connection a RST ended is
     * finalised. Together they put a RST's finding in the output within a second.
     */
    public static final long LIVE_TICK_MILLIS = 250;
    public static final long LIVE_CLOCK_LAG_MILLIS = 250;
    public static final long LIVE_RESET_TIMEOUT_MILLIS = 250;

    /**
     * How long a live agent holds sessions to put them in event-time order before its incidents
     * count them: longer than a connection takes to be finalised after a RST, FIN or alert (5 s),
     * short enough that incidents are updated while a person watches.
     */
    public static final long LIVE_INCIDENT_LATENESS_SECONDS = 15;

    /** How long a stopping live agent waits for Kafka to take what is pending. */
    public static final int DRAIN_TIMEOUT_SECONDS = 30;
}
