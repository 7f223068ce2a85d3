package dev.nfe.dissect;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.SessionRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dissector as a whole on real loopback segments: port reuse, caps, event-time expiry. */
class DissectorTest {
    private static final long SECOND = 1_000_000_000L;

    private static List<TcpSegment> sample() throws Exception {
        Path pcap = Path.of(System.getProperty("nfe.root", "..")).resolve("samples/loopback/capture.pcap");
        List<TcpSegment> out = new ArrayList<>();
        SegmentDecoder decoder = new SegmentDecoder(out::add);
        try (FrameSource src = CaptureFiles.open(pcap)) {
            while (src.next(decoder)) {
                // read all
            }
        }
        return out;
    }

    private record Run(List<SessionRecord> sessions, List<Finding> findings, DissectorStats stats) {
    }

    private static Run run(DissectorConfig config, List<TcpSegment> segments) {
        List<SessionRecord> sessions = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        Dissector d = new Dissector(config, new DissectorOutput() {
            @Override
            public void session(SessionRecord s) {
                sessions.add(s);
            }

            @Override
            public void finding(Finding f) {
                findings.add(f);
            }
        });
        long last = Long.MIN_VALUE;
        int n = 0;
        for (TcpSegment s : segments) {
            d.segment(s);
            last = Math.max(last, s.timestampNanos());
            if (++n % 64 == 0) {
                d.advanceTo(last);
            }
        }
        d.finish(last);
        return new Run(sessions, findings, d.stats());
    }

    /** The segments of one connection of the sample, picked by its server. */
    private static List<TcpSegment> connection(List<TcpSegment> all, String server, int index) {
        List<TcpSegment> firstSyns = all.stream().filter(s -> s.syn() && !s.ackFlag()
                && s.dst().toString().equals(server)).toList();
        TcpSegment syn = firstSyns.get(index);
        return all.stream().filter(s -> (s.src().equals(syn.src()) && s.dst().equals(syn.dst()))
                || (s.src().equals(syn.dst()) && s.dst().equals(syn.src()))).toList();
    }

    private static TcpSegment shifted(TcpSegment s, long dt, long seqDelta, long frameDelta) {
        boolean fromClient = s.dst().port() == 443;
        long seq = fromClient ? (s.seq() + seqDelta) & 0xffff_ffffL : s.seq();
        long ack = !fromClient && s.ackFlag() ? (s.ack() + seqDelta) & 0xffff_ffffL : s.ack();
        return new TcpSegment(s.timestampNanos() + dt, s.frame() + frameDelta, s.src(), s.dst(), seq, ack, s.flags(),
                s.window(), s.ttl(), s.ipId(), s.payloadLength(), s.payload(), s.truncated());
    }

    @Test
    void aNewSynOnTheSameFourTupleStartsANewConnection() throws Exception {
        List<TcpSegment> conn = connection(sample(), "127.0.0.10:443", 0); // a crashing worker
        List<TcpSegment> twice = new ArrayList<>(conn);
        for (TcpSegment s : conn) {
            twice.add(shifted(s, 2 * SECOND, 1_000_003, 1000)); // same ports, fresh ISN, 2 s later
        }
        Run r = run(DissectorConfig.defaults("reuse"), twice);
        assertEquals(2, r.sessions().size());
        assertEquals(1, r.stats().portReuse());
        for (SessionRecord s : r.sessions()) {
            assertEquals(Outcome.RESET_AFTER_CLIENT_HELLO, s.outcome(), s.toString());
            assertEquals(conn.size(), s.packets());
        }
        assertTrue(r.sessions().get(1).firstFrame() > r.sessions().get(0).lastFrame());
    }

    @Test
    void aRetransmittedSynIsNotANewConnection() throws Exception {
        List<TcpSegment> conn = new ArrayList<>(connection(sample(), "127.0.0.10:443", 1));
        conn.add(1, conn.get(0)); // the SYN again, same ISN
        Run r = run(DissectorConfig.defaults("retransmit"), conn);
        assertEquals(1, r.sessions().size());
        assertEquals(0, r.stats().portReuse());
    }

    @Test
    void aFullFlowTableEvictsTheLeastRecentlyActiveAndSaysSo() throws Exception {
        List<TcpSegment> all = sample();
        Run unbounded = run(DissectorConfig.defaults("all"), all);
        Run capped = run(DissectorConfig.defaults("capped").withMaxFlows(4), all);
        assertTrue(capped.stats().evictedFlowTableFull() > 0);
        assertTrue(capped.stats().openFlows() <= 4);
        long marked = capped.sessions().stream().filter(s -> s.anomalies().contains("evicted_flow_table_full")).count();
        assertTrue(marked > 0, "evictions are reported on the sessions they cut short");
        // every connection still gets a verdict; nothing is silently lost
        assertTrue(capped.sessions().size() >= unbounded.sessions().size());
    }

    @Test
    void idleConnectionsExpireOnEventTimeOnly() throws Exception {
        List<TcpSegment> conn = connection(sample(), "[::1]:6444", 0); // a server that never answers
        List<SessionRecord> emitted = new ArrayList<>();
        Dissector d = new Dissector(DissectorConfig.defaults("idle"), new DissectorOutput() {
            @Override
            public void session(SessionRecord s) {
                emitted.add(s);
            }

            @Override
            public void finding(Finding f) {
            }
        });
        long last = 0;
        for (TcpSegment s : conn) {
            d.segment(s);
            last = s.timestampNanos();
        }
        d.advanceTo(last + SECOND);
        assertEquals(0, emitted.size(), "closed, but still within the linger time");
        d.advanceTo(last + 10 * SECOND);
        assertEquals(1, emitted.size());
        assertEquals(Outcome.NO_SERVER_RESPONSE, emitted.get(0).outcome());
        assertEquals(0, d.openFlows());
    }

    @Test
    void theOldestOpenPositionIsWhereTheOldestOpenFlowStarted() throws Exception {
        List<TcpSegment> all = sample();
        List<TcpSegment> a = connection(all, "[::1]:6444", 0);
        List<TcpSegment> b = connection(all, "127.0.0.10:443", 1);
        Dissector d = new Dissector(DissectorConfig.defaults("pos"), new DissectorOutput() {
            @Override
            public void session(SessionRecord s) {
            }

            @Override
            public void finding(Finding f) {
            }
        });
        assertEquals(77, d.oldestOpenPosition(77), "nothing open: the fallback");
        assertTrue(!d.hasOpenFlow(a.get(0)));
        d.segment(a.get(0), 10);
        d.segment(b.get(0), 20);
        d.segment(a.get(1), 30);
        assertTrue(d.hasOpenFlow(a.get(1)) && d.hasOpenFlow(b.get(0)));
        assertEquals(10, d.oldestOpenPosition(99), "a started at 10; later segments do not move it");
        for (TcpSegment s : a.subList(2, a.size())) {
            d.segment(s, 40);
        }
        long aEnd = a.get(a.size() - 1).timestampNanos();
        d.advanceTo(aEnd + 10 * SECOND);
        assertEquals(1, d.openFlows(), "a closed and lingered out; b (a lone SYN) is still open");
        assertEquals(20, d.oldestOpenPosition(99), "now b's start is the oldest needed");
        d.advanceTo(aEnd + 400 * SECOND);
        assertEquals(99, d.oldestOpenPosition(99), "b idled out");
    }
}
