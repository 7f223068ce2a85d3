package dev.nfe.dissect;

import dev.nfe.capture.TcpSegment;
import dev.nfe.dissect.classify.OutcomeClassifier;
import dev.nfe.dissect.conn.Connection;
import dev.nfe.dissect.conn.ConnectionContext;
import dev.nfe.dissect.conn.SessionAssembler;
import dev.nfe.dissect.finding.FindingFactory;
import dev.nfe.dissect.flow.FlowKey;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.tcp.ByteBudget;
import dev.nfe.dissect.tls.TlsContext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Segments in, sessions and findings out. One dissector owns the flows of one shard (a worker
 * thread in replay, a Kafka partition later); it is not thread-safe and needs no locks.
 *
 * <p>Time is event time only: idle flows expire in {@link #advanceTo}, which the driver calls at
 * fixed points of the input (so that results never depend on scheduling), and
 * {@link #finish} finalises what is left at the end of the input.
 */
public final class Dissector {
    private final DissectorConfig config;
    private final DissectorOutput out;
    private final ConnectionContext ctx;
    private final SessionAssembler assembler;
    private final FindingFactory findings = new FindingFactory();
    private final ByteBudget pendingBudget;
    /** Access-ordered: the least recently active flow first, for expiry and eviction. */
    private final LinkedHashMap<FlowKey, Connection> flows = new LinkedHashMap<>(1024, 0.75f, true);

    /** Event time as the driver announced it (advanceTo / finish); never the wall clock. */
    private long now = Long.MIN_VALUE;
    private long captureLoss;
    private long segments;
    private long connections;
    private long sessions;
    private long findingCount;
    private long expiredIdle;
    private long evicted;
    private long portReuse;
    private long timelinesCapped;

    public Dissector(DissectorConfig config, DissectorOutput out) {
        this.config = config;
        this.out = out;
        this.pendingBudget = new ByteBudget(config.maxPendingTotal());
        this.ctx = new ConnectionContext(new TlsContext(config.tls()), pendingBudget, config.maxPendingPerDirection(),
                config.maxEventsPerConnection(), config.maxAlertsPerSession(), config.maxRstFrames());
        this.assembler = new SessionAssembler(config.capture(), new OutcomeClassifier(config.noResponseNanos()),
                config.tlsPorts());
    }

    /**
     * Loads what the first dissector and the first certificate of a run would otherwise load on
     * the hot path: the JDK's security providers (a dissector's digests: 15-80 ms measured on a
     * loaded machine) first, then Bouncy Castle's classes (~30 ms); a driver may call it on a spare
     * thread at start.
     */
    public static void warmUp() {
        new dev.nfe.dissect.fingerprint.CommunityId(0);
        TlsContext.warmUp();
    }

    public DissectorConfig config() {
        return config;
    }

    /**
     * The capture's running count of packets it lost so far (kernel and interface drops, the
     * agent's own queue drops): a live driver passes it before the segments it now feeds. Every
     * session then carries how many packets were lost while it was open, and its finding's
     * confidence drops with it. Files have no such count; it stays 0. The count is polled, not
     * per packet, so loss is attributed to the connections open when it was noticed.
     */
    public void captureLoss(long cumulative) {
        if (cumulative > captureLoss) {
            captureLoss = cumulative;
        }
    }

    /** Feeds one segment. Segments of a flow must come in capture order. */
    public void segment(TcpSegment s) {
        segment(s, 0);
    }

    /**
     * Feeds one segment that sits at {@code position} of the driver's input (a log offset, say;
     * never decreasing). The dissector remembers where each open flow started, so a driver that
     * checkpoints can resume from {@link #oldestOpenPosition} and rebuild every open flow.
     */
    public void segment(TcpSegment s, long position) {
        segments++;
        long ts = s.timestampNanos();
        FlowKey key = FlowKey.of(s);
        Connection c = flows.get(key);
        if (c != null) {
            boolean newSyn = s.syn() && !s.ackFlag() && c.reusedBy(s);
            boolean idle = ts - c.lastTs() > timeout(c);
            if (newSyn || idle) {
                if (newSyn) {
                    portReuse++;
                } else {
                    expiredIdle++;
                }
                flows.remove(key);
                emit(c, c.lastTs());
                c = null;
            }
        }
        if (c == null) {
            if (flows.size() >= config.maxFlows()) {
                evictOldest();
            }
            c = new Connection(s, ctx, position, captureLoss);
            flows.put(key, c);
            connections++;
        }
        c.segment(s);
    }

    /**
     * Event time has reached {@code tsNanos} (at a fixed point of the input; the driver passes
     * the latest timestamp of the whole input so far, so every shard sees the same clock):
     * finalise every connection idle for longer than its timeout, oldest activity first.
     */
    public void advanceTo(long tsNanos) {
        if (tsNanos > now) {
            now = tsNanos;
        }
        long horizon = Math.min(Math.min(config.closedTimeoutNanos(), config.resetTimeoutNanos()),
                config.idleTimeoutNanos());
        List<Connection> done = null;
        Iterator<Map.Entry<FlowKey, Connection>> it = flows.entrySet().iterator();
        while (it.hasNext()) {
            Connection c = it.next().getValue();
            long quiet = now - c.lastTs();
            if (quiet <= horizon) {
                break; // access order: everything after this is more recent
            }
            long limit = timeout(c);
            if (quiet > limit) {
                it.remove();
                expiredIdle++;
                if (done == null) {
                    done = new ArrayList<>();
                }
                done.add(c);
            }
        }
        if (done != null) {
            emitInOrder(done, now);
        }
    }

    /**
     * End of input at event time {@code endTsNanos} (the latest timestamp of the whole input, not
     * just of this shard's flows, so that verdicts do not depend on sharding): finalise every
     * connection, in order of their first frame.
     */
    public void finish(long endTsNanos) {
        if (endTsNanos > now) {
            now = endTsNanos;
        }
        List<Connection> rest = new ArrayList<>(flows.values());
        flows.clear();
        emitInOrder(rest, now);
    }

    /**
     * The smallest position at which a still-open flow started, or {@code fallback} when no flow
     * is open: input before it is no longer needed. A scan, meant for checkpoints, not per segment.
     */
    public long oldestOpenPosition(long fallback) {
        long oldest = fallback;
        for (Connection c : flows.values()) {
            oldest = Math.min(oldest, c.startPosition());
        }
        return oldest;
    }

    /** Whether the flow this segment belongs to is open (without touching its recency). */
    public boolean hasOpenFlow(TcpSegment s) {
        return flows.containsKey(FlowKey.of(s));
    }

    public int openFlows() {
        return flows.size();
    }

    public DissectorStats stats() {
        return new DissectorStats(segments, connections, sessions, findingCount, flows.size(), expiredIdle, evicted,
                portReuse, pendingBudget.refusals(), timelinesCapped);
    }

    /** How long {@code c} may stay quiet before it is finalised: reset, closed, or open. */
    private long timeout(Connection c) {
        return c.resetSeen() ? config.resetTimeoutNanos()
                : c.closed() ? config.closedTimeoutNanos() : config.idleTimeoutNanos();
    }

    private void evictOldest() {
        Iterator<Map.Entry<FlowKey, Connection>> it = flows.entrySet().iterator();
        Connection c = it.next().getValue();
        it.remove();
        evicted++;
        c.flowTableFull();
        emit(c, now);
    }

    private void emitInOrder(List<Connection> done, long endTs) {
        done.sort(Comparator.comparingLong(Connection::firstFrame));
        for (Connection c : done) {
            emit(c, endTs);
        }
    }

    private void emit(Connection c, long endTs) {
        if (c.timelineCapped()) {
            timelinesCapped++;
        }
        SessionAssembler.Assembled a = assembler.assemble(c.finish(), endTs, captureLoss - c.captureLossAtStart());
        if (a == null) {
            return;
        }
        sessions++;
        out.session(a.session());
        Finding f = findings.create(a.session(), a.verdict());
        if (f != null) {
            findingCount++;
            out.finding(f);
        }
    }
}
