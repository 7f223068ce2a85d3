package dev.nfe.pipeline.evidence;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nfe.pipeline.evidence.CapturedFrame.costs;
import static dev.nfe.pipeline.evidence.CapturedFrame.first;
import static dev.nfe.pipeline.evidence.CapturedFrame.last;
import static dev.nfe.pipeline.evidence.CapturedFrame.numbers;
import static dev.nfe.pipeline.evidence.CapturedFrame.storedNumbers;
import static dev.nfe.pipeline.evidence.CapturedFrame.take;
import static dev.nfe.pipeline.evidence.FrameStore.CONNECTION_COST;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live agent's frame store, fed real frames of real captures decoded by the real decoder,
 * each expectation derived from the capture's own frame list: the head and ring of a long
 * connection, the byte cap (least recently active connections first, then refusal), a tuple
 * reused by a new SYN, expiry on event time, and what {@code take} does with what it never saw.
 */
class FrameStoreTest {
    private static final long HOUR = 3_600_000_000_000L;
    /** One TLS connection of 62 frames (a ClientHello split over small segments). */
    private static final Path LONG = CapturedFrame.SHARED.resolve(
            "corpus/OISF+suricata-verify/tests/tls/tls-client-hello-frag-01/dump_mtu300.pcap");
    /** An FTP control connection upgraded with AUTH TLS, 84 frames. */
    private static final Path LONG_FTP = CapturedFrame.SHARED.resolve("corpus/zeek+zeek/testing/btest/Traces/ftp/ftp-auth-tls.pcap");
    /** 60 loopback TLS connections, none longer than the head. */
    private static final Path SAMPLE = CapturedFrame.ROOT.resolve("samples/loopback/capture.pcap");
    private static final Path INCIDENTS = CapturedFrame.ROOT.resolve("testsuite/src/test/resources/dev/nfe/testsuite/incidents");
    /** A client SYN sent four times with one sequence number, then the connection. */
    private static final Path SYN_RETRANSMITTED = CapturedFrame.SHARED.resolve("corpus/ntop+nDPI/tests/cfgs/default/pcap/tls_port_80.pcapng");

    @ParameterizedTest(name = "{0}: head {1}, tail {2}")
    @CsvSource({"tls, 32, 16", "ftp, 32, 16", "tls, 1, 1", "tls, 5, 0", "tls, 47, 3", "ftp, 60, 23"})
    void aLongConnectionKeepsItsFirstAndLastFrames(String which, int head, int tail) throws Exception {
        Path capture = which.equals("tls") ? LONG : LONG_FTP;
        List<CapturedFrame> all = CapturedFrame.read(capture);
        List<List<CapturedFrame>> conns = CapturedFrame.connections(all);
        List<CapturedFrame> conn = conns.stream().max(Comparator.comparingInt(List::size)).orElseThrow();
        assertTrue(conn.size() > head + tail, conn.size() + " frames");
        FrameStore store = new FrameStore(head, tail, FrameStore.DEFAULT_MEMORY, HOUR);
        all.forEach(f -> f.feed(store, 0));

        List<CapturedFrame> kept = new ArrayList<>(conn.subList(0, head));
        kept.addAll(conn.subList(conn.size() - tail, conn.size()));
        long others = 0;
        long othersLeftOut = 0;
        for (List<CapturedFrame> c : conns) {
            if (c != conn) {
                int k = Math.min(c.size(), head + tail);
                others += CONNECTION_COST + costs(c.subList(0, Math.min(head, k)))
                        + costs(c.subList(c.size() - (k - Math.min(head, k)), c.size()));
                othersLeftOut += c.size() - k;
            }
        }
        FrameStore.Stats before = store.stats();
        assertEquals(all.size(), before.framesStored());
        assertEquals(conn.size() - head - tail + othersLeftOut, before.framesLeftOut());
        assertEquals(conns.size(), before.connections());
        assertEquals(others + CONNECTION_COST + costs(kept), before.bytes());

        ConnectionFrames c = take(store, 0, conn);
        assertNotNull(c);
        assertEquals(numbers(kept), storedNumbers(c), "the first " + head + " and the last " + tail + ", in order");
        for (int i = 0; i < kept.size(); i++) {
            assertArrayEquals(kept.get(i).data(), c.frames().get(i).data(), "frame " + kept.get(i).number());
            assertEquals(kept.get(i).tsNanos(), c.frames().get(i).tsNanos());
        }
        assertEquals(conn.size() - head - tail, c.leftOut());
        assertEquals(tail == 0 ? null : conn.get(conn.size() - tail).number(),
                c.afterGap() == null ? null : c.afterGap().number(), "the ring's first frame follows the gap");
        assertEquals(costs(kept), c.bytes());
        FrameStore.Stats after = store.stats();
        assertEquals(before.bytes() - CONNECTION_COST, after.bytes(), "its frames stay charged to the sink");
        assertEquals(before.connections() - 1, after.connections());
        store.release(c.bytes());
        assertEquals(others, store.stats().bytes());
    }

    /**
     * A frame that goes into a full ring pushes the ring's oldest out: it needs only the difference,
     * so a cap that holds what the connections keep at their largest drops nothing.
     */
    @Test
    void aFullRingNeedsOnlyTheDifferenceUnderTheCap() throws Exception {
        List<CapturedFrame> small = CapturedFrame.connections(CapturedFrame.read(SAMPLE)).get(0);
        List<CapturedFrame> all = CapturedFrame.read(LONG);
        List<CapturedFrame> conn = CapturedFrame.connections(all).get(0);
        assertEquals(all.size(), conn.size());
        int head = FrameStore.DEFAULT_HEAD;
        int tail = FrameStore.DEFAULT_TAIL;
        assertTrue(conn.size() > head + tail);
        long peak = 0;
        for (int i = 1; i <= conn.size(); i++) {
            int ring = Math.min(tail, Math.max(0, i - head));
            peak = Math.max(peak, costs(conn.subList(0, Math.min(i, head))) + costs(conn.subList(i - ring, i)));
        }
        long cap = 2 * CONNECTION_COST + costs(small) + peak;
        FrameStore store = new FrameStore(head, tail, cap, HOUR);
        small.forEach(f -> f.feed(store, 0));
        all.forEach(f -> f.feed(store, 0));
        FrameStore.Stats s = store.stats();
        assertEquals(0, s.connectionsEvicted(), s.toString());
        assertEquals(0, s.framesRefused(), s.toString());
        assertEquals(numbers(small), storedNumbers(take(store, 0, small)));
        List<CapturedFrame> kept = new ArrayList<>(conn.subList(0, head));
        kept.addAll(conn.subList(conn.size() - tail, conn.size()));
        assertEquals(numbers(kept), storedNumbers(take(store, 0, conn)));
    }

    /**
     * The cap, written out plainly as the expectation: per tuple the frames held (every sample
     * connection fits in the head), least recently active first; a frame that does not fit drops
     * the least recently active other tuples, and is refused when dropping them is not enough.
     */
    private static final class LeastRecentlyActive {
        final long cap;
        final LinkedHashMap<FrameStore.Key, List<CapturedFrame>> held = new LinkedHashMap<>(64, 0.75f, true);
        long bytes;
        long connectionsEvicted;
        long framesEvicted;
        long refused;

        LeastRecentlyActive(long cap) {
            this.cap = cap;
        }

        void frame(CapturedFrame f) {
            FrameStore.Key k = f.key(0);
            List<CapturedFrame> c = held.get(k);
            long need = f.cost() + (c == null ? CONNECTION_COST : 0);
            var it = held.entrySet().iterator();
            while (bytes + need > cap && it.hasNext()) {
                var e = it.next();
                if (!e.getKey().equals(k)) {
                    it.remove();
                    connectionsEvicted++;
                    framesEvicted += e.getValue().size();
                    bytes -= CONNECTION_COST + costs(e.getValue());
                }
            }
            if (bytes + need > cap) {
                refused++;
                return;
            }
            held.computeIfAbsent(k, x -> new ArrayList<>()).add(f);
            bytes += need;
        }
    }

    @ParameterizedTest(name = "cap = traffic / {0}")
    @CsvSource({"2", "4", "16", "64"})
    void aSmallCapDropsTheLeastRecentlyActiveConnectionsFirst(int divisor) throws Exception {
        List<CapturedFrame> all = CapturedFrame.read(SAMPLE);
        List<List<CapturedFrame>> conns = CapturedFrame.connections(all);
        assertTrue(conns.stream().allMatch(c -> c.size() <= FrameStore.DEFAULT_HEAD), "no ring in this test");
        long traffic = costs(all) + conns.size() * CONNECTION_COST;
        long cap = traffic / divisor;
        FrameStore store = new FrameStore(FrameStore.DEFAULT_HEAD, FrameStore.DEFAULT_TAIL, cap, HOUR);
        LeastRecentlyActive expected = new LeastRecentlyActive(cap);
        for (CapturedFrame f : all) {
            f.feed(store, 0);
            expected.frame(f);
            FrameStore.Stats s = store.stats();
            assertTrue(s.bytes() <= cap, "frame " + f.number() + ": " + s);
            assertEquals(expected.bytes, s.bytes(), "frame " + f.number());
            assertEquals(expected.connectionsEvicted, s.connectionsEvicted(), "frame " + f.number());
            assertEquals(expected.framesEvicted, s.framesEvicted(), "frame " + f.number());
            assertEquals(expected.refused, s.framesRefused(), "frame " + f.number());
        }
        assertTrue(expected.connectionsEvicted > 0, "the cap is smaller than the traffic");
        FrameStore.Stats s = store.stats();
        assertEquals(all.size() - expected.refused, s.framesStored());
        assertEquals(expected.held.size(), s.connections());

        // the most recent survive: the tuple of the capture's last frame, with every frame since it was last dropped
        List<CapturedFrame> lastActive = conns.stream().max(Comparator.comparingLong(CapturedFrame::last)).orElseThrow();
        List<CapturedFrame> firstToEnd = conns.stream().min(Comparator.comparingLong(CapturedFrame::last)).orElseThrow();
        assertTrue(expected.held.containsKey(lastActive.get(0).key(0)));
        assertTrue(!expected.held.containsKey(firstToEnd.get(0).key(0)), "the least recently active went first");
        for (List<CapturedFrame> c : conns) {
            ConnectionFrames taken = take(store, 0, c);
            List<CapturedFrame> held = expected.held.get(c.get(0).key(0));
            assertEquals(held == null ? null : numbers(held), taken == null ? null : storedNumbers(taken),
                    c.get(0).segment().toString());
        }
    }

    @Test
    void whenOnlyTakenEvidenceIsLeftNewFramesAreRefused() throws Exception {
        List<List<CapturedFrame>> sample = CapturedFrame.connections(CapturedFrame.read(SAMPLE));
        long frameCosts = sample.stream().mapToLong(CapturedFrame::costs).sum();
        // room for every sample connection's frames, held by the sink once taken, and one connection's own cost
        FrameStore store = new FrameStore(FrameStore.DEFAULT_HEAD, FrameStore.DEFAULT_TAIL, frameCosts + CONNECTION_COST, HOUR);
        List<ConnectionFrames> taken = new ArrayList<>();
        for (List<CapturedFrame> c : sample) {
            c.forEach(f -> f.feed(store, 0));
            taken.add(take(store, 0, c));
        }
        FrameStore.Stats full = store.stats();
        assertEquals(frameCosts, full.bytes());
        assertEquals(0, full.connections());
        assertEquals(0, full.connectionsEvicted());
        assertEquals(0, full.framesRefused());

        List<List<CapturedFrame>> other = CapturedFrame.connections(
                CapturedFrame.read(INCIDENTS.resolve("crash-any-hello/capture.pcap")));
        List<CapturedFrame> next = other.get(0);
        next.forEach(f -> f.feed(store, 1));
        FrameStore.Stats refused = store.stats();
        assertEquals(next.size(), refused.framesRefused(), "nothing left to drop but what the sink holds");
        assertEquals(full.framesStored(), refused.framesStored());
        assertEquals(0, refused.connectionsEvicted());
        assertEquals(frameCosts, refused.bytes());
        assertNull(take(store, 1, next), "none of its frames were kept");
        assertEquals(0, store.stats().connections());

        // the sink lets one connection go: the next connection fits again, whole
        ConnectionFrames released = taken.stream().max(Comparator.comparingLong(ConnectionFrames::bytes)).orElseThrow();
        store.release(released.bytes());
        List<CapturedFrame> fits = other.stream().skip(1)
                .filter(c -> CONNECTION_COST + costs(c) <= released.bytes() + CONNECTION_COST).findFirst().orElseThrow();
        fits.forEach(f -> f.feed(store, 1));
        assertEquals(refused.framesRefused(), store.stats().framesRefused());
        assertEquals(numbers(fits), storedNumbers(take(store, 1, fits)));
    }

    @Test
    void aNewSynOnAKnownTupleIsANewConnection() throws Exception {
        // two real runs of the generator, half a minute apart, drew some of the same client ports
        List<CapturedFrame> earlier = CapturedFrame.read(INCIDENTS.resolve("crash-on-sni/capture.pcap"));
        List<CapturedFrame> later = CapturedFrame.read(INCIDENTS.resolve("crash-any-hello/capture.pcap"));
        assertTrue(last(earlier) < first(later));
        Map<FrameStore.Key, List<CapturedFrame>> before = new LinkedHashMap<>();
        CapturedFrame.connections(earlier).forEach(c -> before.put(c.get(0).key(0), c));
        List<List<CapturedFrame>[]> reused = new ArrayList<>();
        for (List<CapturedFrame> c : CapturedFrame.connections(later)) {
            List<CapturedFrame> b = before.get(c.get(0).key(0));
            if (b != null) {
                assertTrue(b.get(0).openingSyn() && c.get(0).openingSyn()
                        && b.get(0).segment().seq() != c.get(0).segment().seq(), "two connections, two SYNs");
                @SuppressWarnings("unchecked")
                List<CapturedFrame>[] pair = new List[] {b, c};
                reused.add(pair);
            }
        }
        assertTrue(!reused.isEmpty(), "the captures share a tuple");
        FrameStore store = new FrameStore(FrameStore.DEFAULT_HEAD, FrameStore.DEFAULT_TAIL, FrameStore.DEFAULT_MEMORY, HOUR);
        earlier.forEach(f -> f.feed(store, 0));
        later.forEach(f -> f.feed(store, 0));
        List<CapturedFrame> both = new ArrayList<>(earlier);
        both.addAll(later);
        int tuples = CapturedFrame.byTuple(both).size();
        assertEquals(tuples + reused.size(), store.stats().connections(), "a reused tuple holds two connections");
        for (List<CapturedFrame>[] pair : reused) {
            // the session of the first ends before the second's SYN; each take gets its own frames
            assertEquals(numbers(pair[0]), storedNumbers(take(store, 0, pair[0])));
            assertEquals(numbers(pair[1]), storedNumbers(take(store, 0, pair[1])));
        }
        assertEquals(tuples - reused.size(), store.stats().connections());
        assertEquals(0, store.stats().connectionsExpired());
    }

    @Test
    void aRetransmittedSynIsTheSameConnection() throws Exception {
        List<CapturedFrame> all = CapturedFrame.read(SYN_RETRANSMITTED);
        List<List<CapturedFrame>> conns = CapturedFrame.connections(all);
        List<CapturedFrame> conn = conns.get(0);
        assertTrue(conn.stream().filter(CapturedFrame::openingSyn).count() > 1, "the SYN was sent again");
        FrameStore store = new FrameStore(FrameStore.DEFAULT_HEAD, FrameStore.DEFAULT_TAIL, FrameStore.DEFAULT_MEMORY, HOUR);
        all.forEach(f -> f.feed(store, 0));
        assertEquals(conns.size(), store.stats().connections());
        assertEquals(numbers(conn), storedNumbers(take(store, 0, conn)));
    }

    @Test
    void idleConnectionsExpireOnEventTimeAndTakenOnesAreNotCounted() throws Exception {
        List<CapturedFrame> all = CapturedFrame.read(SAMPLE);
        List<List<CapturedFrame>> conns = CapturedFrame.connections(all);
        long expire = (last(all) - first(all)) / 4;
        FrameStore store = new FrameStore(FrameStore.DEFAULT_HEAD, FrameStore.DEFAULT_TAIL, FrameStore.DEFAULT_MEMORY, expire);
        all.forEach(f -> f.feed(store, 0));
        // the sink takes every third connection (as if reported), before the clock moves
        List<List<CapturedFrame>> reported = new ArrayList<>();
        long takenBytes = 0;
        for (int i = 0; i < conns.size(); i += 3) {
            reported.add(conns.get(i));
            takenBytes += take(store, 0, conns.get(i)).bytes();
        }
        List<List<CapturedFrame>> unreported = conns.stream().filter(c -> !reported.contains(c)).toList();
        assertEquals(0, store.stats().connectionsExpired());

        long clock = last(all) - expire / 2;
        store.advanceTo(clock);
        long quiet = unreported.stream().filter(c -> clock - last(c) > expire).count();
        assertTrue(quiet > 0 && quiet < unreported.size(), quiet + " of " + unreported.size());
        assertEquals(quiet, store.stats().connectionsExpired());
        assertEquals(unreported.size() - quiet, store.stats().connections());
        store.advanceTo(clock - expire); // event time does not go back
        assertEquals(quiet, store.stats().connectionsExpired());

        store.advanceTo(last(all) + expire + 1);
        FrameStore.Stats s = store.stats();
        assertEquals(unreported.size(), s.connectionsExpired());
        assertEquals(0, s.connections());
        assertEquals(takenBytes, s.bytes(), "only what the sink holds is left");
        assertEquals(0, s.connectionsEvicted());
    }

    @Test
    void takingWhatTheStoreNeverSawReturnsNothingAndCountsNothing() throws Exception {
        List<CapturedFrame> all = CapturedFrame.read(SAMPLE);
        List<List<CapturedFrame>> conns = CapturedFrame.connections(all);
        FrameStore store = new FrameStore(FrameStore.DEFAULT_HEAD, FrameStore.DEFAULT_TAIL, FrameStore.DEFAULT_MEMORY, HOUR);
        all.forEach(f -> f.feed(store, 0));
        FrameStore.Stats before = store.stats();
        // a connection of another capture, a known tuple on another interface, and a known tuple before it began
        List<CapturedFrame> elsewhere = CapturedFrame.connections(
                CapturedFrame.read(INCIDENTS.resolve("crash-on-sni/capture.pcap"))).get(0);
        assertNull(take(store, 0, elsewhere));
        assertNull(take(store, 1, conns.get(0)));
        List<CapturedFrame> c = conns.get(conns.size() - 1);
        var s = c.get(0).segment();
        assertNull(store.take(0, s.src(), s.dst(), first(c) - 2 * HOUR, first(c) - HOUR));
        assertEquals(before, store.stats());
        assertEquals(numbers(c), storedNumbers(take(store, 0, c)), "and the connection is still there");
    }
}
