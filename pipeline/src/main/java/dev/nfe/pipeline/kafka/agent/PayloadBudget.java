package dev.nfe.pipeline.kafka.agent;

import dev.nfe.capture.TcpSegment;
import dev.nfe.dissect.flow.FlowKey;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much payload of each segment leaves the host: at most {@code perDirection} bytes per
 * direction of a flow (enough for any handshake), the rest stays behind and only the header
 * facts travel. Also tells whether a segment is the first the agent has seen of its flow, which
 * a rebuilding dissector needs (see the dissector's recovery).
 *
 * <p>Bounded: at most {@code maxFlows} flows are remembered, least recently active forgotten
 * first (counted). A forgotten flow that speaks again starts a fresh budget: more payload than
 * the budget may leave, never less than a handshake.
 */
public final class PayloadBudget {
    /** What to do with one segment. */
    public record Decision(int keepPayload, boolean firstInFlow) {
    }

    private static final class Usage {
        final long[] sent = new long[2];
    }

    private final long perDirection;
    private final Map<FlowKey, Usage> flows;
    private long evictions;
    private long bytesCut;
    private long segmentsCut;

    public PayloadBudget(long perDirection, int maxFlows) {
        this.perDirection = perDirection;
        this.flows = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<FlowKey, Usage> eldest) {
                if (size() > maxFlows) {
                    evictions++;
                    return true;
                }
                return false;
            }
        };
    }

    public Decision decide(TcpSegment s) {
        FlowKey key = FlowKey.of(s);
        Usage u = flows.get(key);
        boolean opening = s.syn() && !s.ackFlag();
        boolean first = u == null || opening;
        if (u == null || opening) {
            // a SYN on a known 4-tuple is a new connection (port reuse): a new budget
            u = new Usage();
            flows.put(key, u);
        }
        int dir = s.src().equals(key.low()) ? 0 : 1;
        int have = s.payload().length();
        long left = Math.max(0, perDirection - u.sent[dir]);
        int keep = (int) Math.min(have, left);
        u.sent[dir] += keep;
        if (keep < have) {
            bytesCut += have - keep;
            segmentsCut++;
        }
        return new Decision(keep, first);
    }

    public long evictions() {
        return evictions;
    }

    public long bytesCut() {
        return bytesCut;
    }

    public long segmentsCut() {
        return segmentsCut;
    }
}
