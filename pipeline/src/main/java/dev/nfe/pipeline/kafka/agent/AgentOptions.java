package dev.nfe.pipeline.kafka.agent;

import dev.nfe.pipeline.Defaults;

import dev.nfe.pipeline.replay.CaptureOpener;

/**
 * How an agent publishes.
 *
 * @param agentId         names this agent on every record (default: the host name)
 * @param payloadBudget   payload bytes per direction of a flow that leave the host
 * @param budgetFlows     flows the payload budget remembers (bounded memory)
 * @param heartbeatFrames every this many frames a heartbeat with the latest capture time goes to
 *                        every partition: the dissectors' clock. The same number as replay's
 *                        watermark, so both paths expire idle flows at the same points.
 * @param segmentPartitions partitions of the segments topic when the agent creates it
 * @param opener          how capture files are read
 */
public record AgentOptions(String agentId, long payloadBudget, int budgetFlows, int heartbeatFrames,
                           int segmentPartitions, CaptureOpener opener) {

    public AgentOptions {
        if (payloadBudget < 0 || budgetFlows < 1 || heartbeatFrames < 1 || segmentPartitions < 1) {
            throw new IllegalArgumentException("invalid agent options");
        }
    }

    /** The defaults ({@link Defaults}): budget table size and heartbeat interval. */
    public static AgentOptions defaults(String agentId, long payloadBudget, int segmentPartitions, CaptureOpener opener) {
        return new AgentOptions(agentId, payloadBudget, Defaults.BUDGET_FLOWS, Defaults.WATERMARK_FRAMES,
                segmentPartitions, opener);
    }
}
