package dev.nfe.pipeline.kafka.dissect;

import dev.nfe.dissect.DissectorConfig;

/**
 * How a dissector instance runs.
 *
 * @param group            consumer group: instances in one group share the segments partitions
 * @param instanceId       this instance's stable name in the group (static membership, and the
 *                         transactional id, so that a restarted instance fences its previous
 *                         self at once); unique per running instance
 * @param commitIntervalMs how often results and offsets are committed under load (one
 *                         transaction each): the latency of results against the cost of a
 *                         commit; a dissector whose input goes quiet commits at once
 * @param dissector        limits and timeouts; {@code capture} becomes each input's name
 * @param observations     publish the observations incidents are made of (off: no incidents
 *                         for this group; give every instance of a group the same setting)
 */
public record DissectOptions(String group, String instanceId, long commitIntervalMs, DissectorConfig dissector,
                             boolean observations) {
    public DissectOptions {
        if (group == null || group.isBlank() || instanceId == null || instanceId.isBlank() || commitIntervalMs < 1) {
            throw new IllegalArgumentException("invalid dissect options");
        }
    }

    /** With observations published (incidents on). */
    public DissectOptions(String group, String instanceId, long commitIntervalMs, DissectorConfig dissector) {
        this(group, instanceId, commitIntervalMs, dissector, true);
    }

    public String transactionalId() {
        return "nfe-dissect-" + group + "-" + instanceId;
    }
}
