package dev.nfe.pipeline.live;

import dev.nfe.pipeline.evidence.FrameStore;
import dev.nfe.pipeline.metrics.NfeMetrics;

/**
 * The live agent's series, per interface (tag {@code interface}): frames processed, their bytes,
 * TCP segments, {@code pcap_stats} received, drops by reason (kernel, interface, queue_full,
 * kafka) and the queue's depth. All read the volatile counters the capture and processing threads
 * publish; nothing here touches capture or dissector state.
 */
public final class LiveMetrics {
    private LiveMetrics() {
    }

    public static void register(NfeMetrics m, LiveAgent agent, LiveOutput output) {
        for (int i = 0; i < agent.sources(); i++) {
            SourceCounters c = agent.counters(i);
            int source = i;
            String iface = agent.interfaceName(i);
            m.functionCounter("nfe_packets", "frames the agent processed", () -> c.processed, "interface", iface);
            m.functionCounter("nfe_bytes", "bytes of those frames on the wire", () -> c.bytes, "interface", iface);
            m.functionCounter("nfe_segments", "TCP segments decoded", () -> c.segments, "interface", iface);
            m.functionCounter("nfe_pcap_received", "packets that passed the capture filter (pcap_stats ps_recv)",
                    () -> c.pcap.received(), "interface", iface);
            String drops = "packets or segments lost, by reason: kernel (ring full), interface, queue_full (the agent"
                    + " fell behind), kafka (never delivered)";
            m.functionCounter("nfe_drops", drops, () -> c.pcap.dropped(), "interface", iface, "reason", "kernel");
            m.functionCounter("nfe_drops", drops, () -> c.pcap.ifDropped(), "interface", iface, "reason", "interface");
            m.functionCounter("nfe_drops", drops, () -> c.queueDropped, "interface", iface, "reason", "queue_full");
            m.functionCounter("nfe_drops", drops, () -> output.dropped(source), "interface", iface, "reason", "kafka");
        }
        m.gauge("nfe_queue_frames", "frames waiting between capture and processing", agent::queued);
        FrameStore e = agent.evidence();
        if (e != null) {
            m.gauge("nfe_evidence_bytes", "bytes of frames held for evidence files (--evidence-memory caps them)",
                    () -> e.stats().bytes());
            String drops = "frames the evidence store did not keep, by reason: left_out (middle of a long connection),"
                    + " evicted (its connection dropped for memory), refused (no memory left to drop)";
            m.functionCounter("nfe_evidence_frames_dropped", drops, () -> e.stats().framesLeftOut(), "reason", "left_out");
            m.functionCounter("nfe_evidence_frames_dropped", drops, () -> e.stats().framesEvicted(), "reason", "evicted");
            m.functionCounter("nfe_evidence_frames_dropped", drops, () -> e.stats().framesRefused(), "reason", "refused");
        }
    }
}
