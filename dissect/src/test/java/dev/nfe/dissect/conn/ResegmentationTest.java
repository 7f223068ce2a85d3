package dev.nfe.dissect.conn;

import dev.nfe.capture.TcpFlags;
import dev.nfe.capture.TcpSegment;
import dev.nfe.dissect.Dissected;
import dev.nfe.dissect.report.AlertInfo;
import dev.nfe.dissect.report.SessionRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole dissector on the 60 real loopback connections of samples/loopback, with every
 * payload re-cut into 1-, 7- and 50-byte TCP segments, in order and with each flight of a
 * direction delivered in reverse: every session must come out with the same verdict and the
 * same decoded facts as from the original segmentation.
 */
class ResegmentationTest {

    private static List<TcpSegment> capture() throws Exception {
        return Dissected.segments(Path.of(System.getProperty("nfe.root", "..")).resolve("samples/loopback/capture.pcap"));
    }

    private static Map<String, SessionRecord> dissect(List<TcpSegment> segments) {
        Map<String, SessionRecord> sessions = new LinkedHashMap<>();
        for (Dissected.Emitted e : Dissected.run("sample", segments)) {
            sessions.put(e.session().client() + " " + e.session().server(), e.session());
        }
        return sessions;
    }

    /** What must not depend on how TCP cut the bytes (frames and segment counts may). */
    private static String facts(SessionRecord s) {
        StringBuilder sb = new StringBuilder();
        sb.append(s.outcome()).append(' ').append(s.reason()).append(' ').append(s.clientBasis());
        sb.append(" bytes=").append(s.bytesC2s()).append('/').append(s.bytesS2c());
        if (s.clientHello() != null) {
            var h = s.clientHello().hello();
            sb.append(" ch=").append(h.sslv2Format()).append(h.handshakeVersion()).append(h.cipherSuites())
                    .append(h.extensionTypes()).append(h.sni()).append(h.alpn()).append(s.clientHello().ja4());
        }
        if (s.serverHello() != null) {
            var h = s.serverHello().hello();
            sb.append(" sh=").append(h.selectedVersion()).append('/').append(h.cipher()).append(s.serverHello().ja3s());
        }
        sb.append(" certs=").append(s.certificates().size());
        for (AlertInfo a : s.alerts()) {
            sb.append(" alert=").append(a.from()).append(a.alert());
        }
        sb.append(" rst=").append(s.rstFrom()).append(" fin=").append(s.finFrom())
                .append(" rach=").append(s.resetAfterClientHello()).append(" gaps=").append(s.gaps());
        return sb.toString();
    }

    @ParameterizedTest(name = "{0}-byte segments, reversed flights: {1}")
    @CsvSource({"1,false", "7,false", "50,false", "1,true", "7,true", "50,true"})
    void verdictsDoNotDependOnSegmentation(int size, boolean reverseFlights) throws Exception {
        List<TcpSegment> original = capture();
        Map<String, SessionRecord> expected = dissect(original);
        assertEquals(60, expected.size());

        Map<String, SessionRecord> got = dissect(recut(original, size, reverseFlights));
        assertEquals(expected.keySet(), got.keySet());
        for (String k : expected.keySet()) {
            assertEquals(facts(expected.get(k)), facts(got.get(k)), k);
        }
    }

    /**
     * Cuts every payload into {@code size}-byte segments (sequence numbers follow), keeping SYN
     * on the first piece and FIN/RST on the last; with {@code reverse}, each run of consecutive
     * data segments of one direction (a flight) is delivered last piece first.
     */
    private static List<TcpSegment> recut(List<TcpSegment> in, int size, boolean reverse) {
        List<TcpSegment> out = new ArrayList<>();
        List<TcpSegment> flight = new ArrayList<>();
        TcpSegment flightOwner = null;
        long frame = 1;
        for (TcpSegment s : in) {
            boolean data = s.payloadLength() > 0 && !s.syn() && !s.rst() && !s.fin();
            boolean sameFlight = flightOwner != null && s.src().equals(flightOwner.src()) && s.dst().equals(flightOwner.dst());
            if (!(data && sameFlight) && !flight.isEmpty()) {
                emitFlight(flight, reverse, out);
                flight.clear();
            }
            if (data) {
                flightOwner = s;
            } else {
                flightOwner = null;
            }
            List<TcpSegment> pieces = pieces(s, size);
            for (TcpSegment p : pieces) {
                TcpSegment numbered = renumber(p, frame++);
                if (data) {
                    flight.add(numbered);
                } else {
                    out.add(numbered);
                }
            }
        }
        emitFlight(flight, reverse, out);
        return out;
    }

    private static void emitFlight(List<TcpSegment> flight, boolean reverse, List<TcpSegment> out) {
        List<TcpSegment> f = new ArrayList<>(flight);
        if (reverse) {
            Collections.reverse(f);
        }
        out.addAll(f);
    }

    private static List<TcpSegment> pieces(TcpSegment s, int size) {
        if (s.payloadLength() <= size || s.payload().length() != s.payloadLength()) {
            return List.of(s);
        }
        List<TcpSegment> out = new ArrayList<>();
        int len = s.payloadLength();
        long dataSeq = s.syn() ? s.seq() + 1 : s.seq();
        for (int off = 0; off < len; off += size) {
            int n = Math.min(size, len - off);
            boolean first = off == 0;
            boolean last = off + n == len;
            int flags = s.flags() & ~(TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST);
            if (first) {
                flags |= s.flags() & TcpFlags.SYN;
            }
            if (last) {
                flags |= s.flags() & (TcpFlags.FIN | TcpFlags.RST);
            }
            long seq = (first && s.syn()) ? s.seq() : (dataSeq + off) & 0xffff_ffffL;
            out.add(new TcpSegment(s.timestampNanos(), s.frame(), s.src(), s.dst(), seq, s.ack(), flags, s.window(),
                    s.ttl(), s.ipId(), n, s.payload().slice(off, n), false));
        }
        return out;
    }

    private static TcpSegment renumber(TcpSegment s, long frame) {
        return new TcpSegment(s.timestampNanos(), frame, s.src(), s.dst(), s.seq(), s.ack(), s.flags(), s.window(),
                s.ttl(), s.ipId(), s.payloadLength(), s.payload(), s.truncated());
    }
}
