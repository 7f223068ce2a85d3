package dev.nfe.dissect.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfe.capture.TcpFlags;
import dev.nfe.capture.TcpSegment;
import dev.nfe.dissect.Dissected;
import dev.nfe.dissect.report.AlertInfo;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.ServerHelloInfo;
import dev.nfe.dissect.report.SessionRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The property behind TCP reassembly: any segmentation of the same byte stream gives the same
 * session. For every connection of real captures, each variant below is dissected alone and its
 * SessionRecord must equal the original's, field for field, except:
 * <ul>
 *   <li>{@code packets}: it counts the segments, and the variants add segments;</li>
 *   <li>{@code client_hello.hello.tcpSegments}: the segments that carried the hello, likewise;</li>
 *   <li>{@code bytes_c2s}, {@code bytes_s2c} with retransmissions only: they count payload bytes
 *       as they appear on the wire, resent bytes included.</li>
 * </ul>
 * Every piece keeps the frame and time of the segment it came from, so the frame that completes
 * a message stays the same; only when two segments are swapped does a message that completed in
 * the first complete at the second's frame and time (the frame that filled the hole), and the
 * expected record says so, and the time from the handshake's completion to an abort is not
 * compared then.
 *
 * <p>The variants, each on the first {@value #MAX_BYTES} payload bytes of each direction:
 * every split point (each data segment cut in two at every byte, one variant per cut);
 * overlapping retransmissions (before every data segment, a resend that overlaps the previous
 * one's second half and its own first half); and reordering within the window (each
 * pair of consecutive data segments of a flight swapped, one variant per pair).
 */
class SegmentationInvarianceTest {
    private static final int MAX_BYTES = 2048;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "samples/loopback/capture.pcap",
        "../shared/corpus/FoxIO-LLC+ja4/pcap/tls3.pcapng",
        "../shared/corpus/OISF+suricata-verify/tests/sslv2-tls-upgrade-01/ssl-v2-s1.pcap",
    })
    void everySegmentationGivesTheSameSession(String capture) throws Exception {
        Map<String, List<TcpSegment>> flows = flows(Path.of(System.getProperty("nfe.root", "..")).resolve(capture));
        int variants = 0;
        int sessions = 0;
        for (Map.Entry<String, List<TcpSegment>> flow : flows.entrySet()) {
            List<TcpSegment> original = flow.getValue();
            SessionRecord expected = dissect(original);
            if (expected == null || expected.clientHello() == null) {
                continue; // only connections that carried a hello: the others have no stream to cut
            }
            sessions++;
            String want = normalised(expected, false);
            for (int i = 0; i < original.size(); i++) {
                TcpSegment s = original.get(i);
                if (!data(s) || offset(original, i) >= MAX_BYTES) {
                    continue;
                }
                for (int k = 1; k < s.payloadLength(); k++) {
                    List<TcpSegment> v = new ArrayList<>(original);
                    v.remove(i);
                    v.addAll(i, split(s, k));
                    check(want, v, flow.getKey() + " segment " + i + " cut at " + k);
                    variants++;
                }
            }
            check(normalised(expected, true), retransmitted(original), flow.getKey() + " overlapping retransmissions", true);
            variants++;
            for (int i = 0; i + 1 < original.size(); i++) {
                TcpSegment a = original.get(i);
                TcpSegment b = original.get(i + 1);
                if (data(a) && data(b) && a.src().equals(b.src()) && offset(original, i) < MAX_BYTES) {
                    List<TcpSegment> v = new ArrayList<>(original);
                    // b arrives first, at a's time: the arrival order changes, the clock does not go back
                    v.set(i, retime(b, a.timestampNanos(), a.frame()));
                    v.set(i + 1, retime(a, b.timestampNanos(), b.frame()));
                    SessionRecord got = dissect(v);
                    assertEquals(normalised(untimed(moved(expected, a, b)), false),
                            got == null ? "no session" : normalised(untimed(got), false),
                            flow.getKey() + " segments " + i + " and " + (i + 1) + " swapped");
                    variants++;
                }
            }
        }
        assertTrue(sessions > 0 && variants > sessions, capture + ": " + sessions + " sessions, " + variants + " variants");
    }

    private static void check(String want, List<TcpSegment> variant, String what) {
        check(want, variant, what, false);
    }

    private static void check(String want, List<TcpSegment> variant, String what, boolean resent) {
        SessionRecord got = dissect(variant);
        assertEquals(want, got == null ? "no session" : normalised(got, resent), what);
    }

    /** The record as text with the fields that legitimately differ blanked (see the class comment). */
    private static String normalised(SessionRecord s, boolean resent) {
        ClientHelloInfo ch = s.clientHello();
        ClientHelloInfo chN = ch == null ? null : new ClientHelloInfo(ch.frame(), ch.tsNanos(),
                ch.hello().withTransport(ch.hello().records(), 0), ch.ja3(), ch.ja3Full(), ch.ja4(), ch.grease());
        return new SessionRecord(s.capture(), s.flowId(), s.client(), s.server(), s.clientBasis(), s.firstTsNanos(),
                s.lastTsNanos(), s.firstFrame(), s.lastFrame(), 0, resent ? 0 : s.bytesC2s(), resent ? 0 : s.bytesS2c(), s.synSeen(),
                s.synackSeen(), s.outcome(), s.reason(), chN, s.serverHello(), s.clientHelloCount(),
                s.serverHelloCount(), s.certificates(), s.alerts(), s.rstFrom(), s.rstFrames(), s.finFrom(),
                s.resetAfterClientHello(), s.rst(), s.abort(), s.abruptClose(), s.starttls(), s.gaps(), s.captureLoss(), s.anomalies(),
                s.history()).toString();
    }

    /**
     * Under a swap the handshake may complete at the later frame, so the time from its completion
     * to an abort ({@code after_handshake_us}) legitimately changes: it is blanked.
     */
    private static SessionRecord untimed(SessionRecord s) {
        java.util.function.UnaryOperator<dev.nfe.dissect.report.AbortEvidence> blank = x -> x == null ? null
                : new dev.nfe.dissect.report.AbortEvidence(x.by(), x.frame(), x.tsNanos(), 0, x.unanswered(), x.ttl(),
                        x.serverTtl(), x.injectedSuspect());
        return new SessionRecord(s.capture(), s.flowId(), s.client(), s.server(), s.clientBasis(), s.firstTsNanos(),
                s.lastTsNanos(), s.firstFrame(), s.lastFrame(), s.packets(), s.bytesC2s(), s.bytesS2c(), s.synSeen(),
                s.synackSeen(), s.outcome(), s.reason(), s.clientHello(), s.serverHello(), s.clientHelloCount(),
                s.serverHelloCount(), s.certificates(), s.alerts(), s.rstFrom(), s.rstFrames(), s.finFrom(),
                s.resetAfterClientHello(), s.rst(), blank.apply(s.abort()), blank.apply(s.abruptClose()), s.starttls(),
                s.gaps(), s.captureLoss(), s.anomalies(), s.history());
    }

    /**
     * With a and b swapped, a message that completed in a (or in b) completes when the later of
     * the two arrives, at b's frame and time: that is the frame that filled the hole.
     */
    private static SessionRecord moved(SessionRecord s, TcpSegment a, TcpSegment b) {
        java.util.function.LongUnaryOperator frame = f -> f == a.frame() ? b.frame() : f;
        java.util.function.LongUnaryOperator ts = t -> t == a.timestampNanos() ? b.timestampNanos() : t;
        ClientHelloInfo ch = s.clientHello();
        ServerHelloInfo sh = s.serverHello();
        return new SessionRecord(s.capture(), s.flowId(), s.client(), s.server(), s.clientBasis(), s.firstTsNanos(),
                s.lastTsNanos(), s.firstFrame(), s.lastFrame(), s.packets(), s.bytesC2s(), s.bytesS2c(), s.synSeen(),
                s.synackSeen(), s.outcome(), s.reason(),
                ch == null ? null : new ClientHelloInfo(frame.applyAsLong(ch.frame()), ts.applyAsLong(ch.tsNanos()),
                        ch.hello(), ch.ja3(), ch.ja3Full(), ch.ja4(), ch.grease()),
                sh == null ? null : new ServerHelloInfo(frame.applyAsLong(sh.frame()), ts.applyAsLong(sh.tsNanos()),
                        sh.hello(), sh.ja3s()),
                s.clientHelloCount(), s.serverHelloCount(), s.certificates(),
                s.alerts().stream().map(x -> new AlertInfo(frame.applyAsLong(x.frame()), ts.applyAsLong(x.tsNanos()),
                        x.from(), x.alert())).toList(),
                s.rstFrom(), s.rstFrames(), s.finFrom(), s.resetAfterClientHello(), s.rst(), s.abort(), s.abruptClose(), s.starttls(), s.gaps(),
                s.captureLoss(), s.anomalies(), s.history());
    }

    private static boolean data(TcpSegment s) {
        return s.payloadLength() > 1 && s.payload().length() == s.payloadLength() && !s.syn() && !s.rst() && !s.fin();
    }

    /** Payload bytes of this segment's direction before it. */
    private static long offset(List<TcpSegment> flow, int i) {
        long n = 0;
        for (int j = 0; j < i; j++) {
            if (flow.get(j).src().equals(flow.get(i).src())) {
                n += flow.get(j).payloadLength();
            }
        }
        return n;
    }

    private static List<TcpSegment> split(TcpSegment s, int k) {
        return List.of(piece(s, 0, k, s.flags() & ~(TcpFlags.FIN | TcpFlags.RST)), piece(s, k, s.payloadLength() - k, s.flags()));
    }

    private static TcpSegment piece(TcpSegment s, int off, int len, int flags) {
        return new TcpSegment(s.timestampNanos(), s.frame(), s.src(), s.dst(), (s.seq() + off) & 0xffff_ffffL, s.ack(),
                flags, s.window(), s.ttl(), s.ipId(), len, s.payload().slice(off, len), false);
    }

    private static TcpSegment retime(TcpSegment s, long ts, long frame) {
        return new TcpSegment(ts, frame, s.src(), s.dst(), s.seq(), s.ack(), s.flags(), s.window(), s.ttl(), s.ipId(),
                s.payloadLength(), s.payload(), s.truncated());
    }

    /**
     * Before every data segment that follows on directly from the previous data segment of its
     * direction, a resend of the previous one's second half and its own first half, sent at its
     * own time (bytes already sent, plus bytes being sent now: nothing from the future); after
     * the last one of a direction, a resend of its second half.
     */
    private static List<TcpSegment> retransmitted(List<TcpSegment> flow) {
        List<TcpSegment> out = new ArrayList<>();
        Map<String, TcpSegment> previous = new LinkedHashMap<>();
        for (int i = 0; i < flow.size(); i++) {
            TcpSegment s = flow.get(i);
            boolean inRange = data(s) && offset(flow, i) < MAX_BYTES;
            TcpSegment p = previous.get(s.src().toString());
            if (inRange && p != null && s.seq() == ((p.seq() + p.payloadLength()) & 0xffff_ffffL)) {
                int half = p.payloadLength() / 2;
                int tail = p.payloadLength() - half;
                int head = s.payloadLength() / 2;
                byte[] bytes = new byte[tail + head];
                for (int b = 0; b < tail; b++) {
                    bytes[b] = (byte) p.payload().get(half + b);
                }
                for (int b = 0; b < head; b++) {
                    bytes[tail + b] = (byte) s.payload().get(b);
                }
                out.add(new TcpSegment(s.timestampNanos(), s.frame(), s.src(), s.dst(), (p.seq() + half) & 0xffff_ffffL,
                        s.ack(), s.flags() & ~(TcpFlags.FIN | TcpFlags.RST), s.window(), s.ttl(), s.ipId(), bytes.length,
                        dev.nfe.capture.Bytes.copyOf(bytes), false));
            }
            out.add(s);
            if (data(s)) {
                previous.put(s.src().toString(), s);
            }
        }
        for (TcpSegment last : previous.values()) {
            int half = last.payloadLength() / 2;
            out.add(out.indexOf(last) + 1, piece(last, half, last.payloadLength() - half,
                    last.flags() & ~(TcpFlags.FIN | TcpFlags.RST)));
        }
        return out;
    }

    private static SessionRecord dissect(List<TcpSegment> segments) {
        List<Dissected.Emitted> out = Dissected.run("invariance", segments);
        assertTrue(out.size() <= 1, "one connection gave " + out.size() + " sessions");
        return out.isEmpty() ? null : out.get(0).session();
    }

    /** The capture's segments by connection (both directions, capture order). */
    private static Map<String, List<TcpSegment>> flows(Path pcap) throws Exception {
        Map<String, List<TcpSegment>> flows = new LinkedHashMap<>();
        Function<TcpSegment, String> key = s -> s.src().toString().compareTo(s.dst().toString()) < 0
                ? s.src() + " " + s.dst() : s.dst() + " " + s.src();
        for (TcpSegment s : Dissected.segments(pcap)) {
            flows.computeIfAbsent(key.apply(s), k -> new ArrayList<>()).add(s);
        }
        return flows;
    }
}
