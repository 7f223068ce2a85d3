package dev.nfe.pipeline.kafka.incidents;

import dev.nfe.dissect.incident.IncidentConfig;

/**
 * How the incidents app runs and what it keeps.
 *
 * @param applicationId    Kafka Streams application id: one per dissector group, so the group's
 *                         instances share the observations partitions
 * @param instanceId       this instance's name (client ids, its state directory)
 * @param commitIntervalMs how often the app commits, and about how often changed hosts are recomputed
 * @param engine           how incidents are formed (the gap and minimum size must be replay's to agree with it)
 * @param retentionNanos   observations older than this behind the partition's event-time clock are
 *                         folded into final incidents and dropped; at least 1 h and 4 gaps
 * @param maxPerHost       observations kept per server host (the oldest goes beyond it, counted)
 * @param maxPerPartition  observations kept per observations partition (new ones are refused beyond it, counted)
 * @param maxIncidentsPerHost incidents in one host record (the oldest are left out beyond it, counted)
 * @param maxSources       inputs whose end is awaited at once per partition
 */
public record IncidentsOptions(String applicationId, String instanceId, long commitIntervalMs, IncidentConfig engine,
                               long retentionNanos, int maxPerHost, int maxPerPartition, int maxIncidentsPerHost,
                               int maxSources) {
    private static final long HOUR = 3600L * 1_000_000_000L;

    public IncidentsOptions {
        if (applicationId == null || applicationId.isBlank() || instanceId == null || instanceId.isBlank()
                || commitIntervalMs < 1 || retentionNanos < Math.max(HOUR, 4 * engine.gapNanos()) || maxPerHost < 1
                || maxPerPartition < maxPerHost || maxIncidentsPerHost < 1 || maxSources < 1) {
            throw new IllegalArgumentException("invalid incidents options");
        }
    }

    /**
     * The defaults for dissector group {@code group}: retention max(1 h, 4 gaps), 50,000 observations
     * per host and 400,000 per partition (a few hundred bytes each, in memory), 200 incidents per host
     * record (a record stays well under Kafka's 1 MB message limit), 10,000 inputs awaited.
     */
    public static IncidentsOptions defaults(String group, String instanceId, long commitIntervalMs, long gapNanos,
                                            int minCount) {
        IncidentConfig engine = IncidentConfig.defaults().withGap(gapNanos, minCount);
        return new IncidentsOptions("nfe-incidents-" + group, instanceId, commitIntervalMs, engine,
                Math.max(HOUR, 4 * gapNanos), 50_000, 400_000, 200, 10_000);
    }

    public IncidentsOptions withRetention(long nanos) {
        return new IncidentsOptions(applicationId, instanceId, commitIntervalMs, engine, nanos, maxPerHost,
                maxPerPartition, maxIncidentsPerHost, maxSources);
    }

    public IncidentsOptions withCaps(int perHost, int perPartition) {
        return new IncidentsOptions(applicationId, instanceId, commitIntervalMs, engine, retentionNanos, perHost,
                perPartition, maxIncidentsPerHost, maxSources);
    }
}
