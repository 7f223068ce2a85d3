package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.Alert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gap(): bytes that will never arrive. */
class GapTest {

    private static byte[] appData(int length, int fill) {
        byte[] body = new byte[length];
        Arrays.fill(body, (byte) fill);
        return MalformedInputTest.record(23, body);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void aHoleInsideAnApplicationDataBodyKeepsTheFraming() {
        byte[] s = concat(appData(1000, 1), appData(1000, 2), appData(1000, 3));
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
        d.feed(s, 0, 1200, 1, 0);          // first record and 195 bytes of the second
        d.gap(300, 2, 0);                  // inside the second body
        d.feed(s, 1500, s.length - 1500, 3, 0);
        assertEquals(List.of("encryptedRecord type=23 length=1000", "anomaly gap",
                "encryptedRecord type=23 length=1000", "encryptedRecord type=23 length=1000"), ev.keys());
        assertEquals(List.of(1L, 2L, 3L, 3L), ev.events.stream().map(RecordingEvents.Event::frame).toList());
        assertTrue(d.wantsBytes());
    }

    @Test
    void aHoleOverARecordBoundaryResynchronisesAtASegmentStart() {
        byte[] alert = MalformedInputTest.record(21, new byte[] {1, 0});
        byte[] s = concat(appData(1000, 1), appData(1000, 2), appData(1000, 3), alert);
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
        d.feed(s, 0, 900, 1, 0);
        d.gap(600, 2, 0);                       // framing lost: 1500 is inside the second record
        d.feed(s, 1500, 515, 3, 0);             // the rest of the second record and 5 bytes of the third
        d.feed(s, 2015, 1000, 4, 0);            // a segment that starts mid-record: not a header
        d.feed(s, 3015, alert.length, 5, 0);    // a segment that starts with a record header
        assertEquals(List.of("anomaly gap", "alert Alert[encrypted=false, level=1, description=0]"), ev.keys());
        assertEquals(5, ev.events.get(1).frame());
    }

    @Test
    void aHoleAtTheStartOfADirectionIsNotPlaintext() {
        byte[] s = concat(appData(100, 1), appData(100, 2));
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
        d.gap(50, 1, 0);
        d.feed(s, 50, 55, 2, 0);    // tail of the first record: not a header, skipped quietly
        d.feed(s, 105, 105, 3, 0);  // a whole record at a segment start
        assertEquals(List.of("anomaly gap", "encryptedRecord type=23 length=100"), ev.keys());
        assertEquals(TlsStreamDecoder.Mode.TLS, d.mode());
    }

    @Test
    void aHoleInsideAHandshakeRecordStopsHandshakeParsingButNotTheRecordLayer() {
        Fixture f = Fixture.load("tls12-openssl-chain");
        List<Fixture.Segment> segs = f.direction('S');
        RecordingEvents full = Feeding.segments(segs, new TlsContext(TlsLimits.DEFAULT));
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
        // drop 10 bytes in the middle of the second segment (inside the Certificate record)
        Fixture.Segment second = segs.get(1);
        for (Fixture.Segment s : segs) {
            if (s == second) {
                d.feed(s.bytes(), 0, 500, s.frame(), 0);
                d.gap(10, s.frame(), 0);
                d.feed(s.bytes(), 510, s.bytes().length - 510, s.frame(), 0);
            } else {
                d.feed(s.bytes(), 0, s.bytes().length, s.frame(), 0);
            }
        }
        List<String> kinds = new ArrayList<>();
        for (RecordingEvents.Event e : ev.events) {
            kinds.add(e.kind());
        }
        assertEquals(full.first("serverHello").key(), ev.first("serverHello").key());
        assertTrue(kinds.contains("anomaly"));
        assertFalse(kinds.contains("certificates"), "the damaged Certificate is not decoded");
        assertFalse(kinds.contains("violation"));
        assertEquals(full.of("changeCipherSpec").size(), ev.of("changeCipherSpec").size(), "later records still read");
        assertEquals(full.of("encryptedRecord").size(), ev.of("encryptedRecord").size());
    }

    @Test
    void aCaptureThatStartsMidStreamFindsTheNextWholeHandshakeMessage() {
        // the reassembler saw no SYN: it announces the unknown start with gap() before the first bytes
        byte[] nst = MalformedInputTest.record(22, new byte[] {4, 0, 0, 6, 0, 0, 0, 1, 0, 0});
        byte[] tail = new byte[40];
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
        d.gap(1, 1, 0);
        d.feed(tail, 0, tail.length, 2, 0);  // the end of an earlier record: skipped
        d.feed(nst, 0, nst.length, 3, 0);    // a record that starts with a whole NewSessionTicket
        assertEquals(List.of("anomaly gap", "handshakeMessage type=4 length=6"), ev.keys());
        assertEquals(3, ev.events.get(1).frame());
        assertEquals(TlsStreamDecoder.Mode.TLS, d.mode());
    }

    @Test
    void resynchronisationGivesUpQuietly() {
        TlsLimits limits = new TlsLimits(5 + 16384, 4096, 10, 512, 1000);
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(limits), ev);
        byte[] s = appData(100, 1);
        d.feed(s, 0, s.length, 1, 0);
        d.gap(10, 2, 0);
        byte[] junk = new byte[300];
        Arrays.fill(junk, (byte) 0x41);
        for (int i = 0; i < 4; i++) {
            d.feed(junk, 0, junk.length, 3 + i, 0);
        }
        assertEquals(List.of("encryptedRecord type=23 length=100", "anomaly gap"), ev.keys());
        assertFalse(d.wantsBytes());
    }

    @Test
    void aHoleInPlaintextStillFindsTheUpgrade() {
        Fixture f = Fixture.load("starttls-smtp-arkime");
        List<Fixture.Segment> segs = f.direction('C');
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
        for (Fixture.Segment s : segs) {
            if (s.frame() == 9) { // "STARTTLS\r\n" is lost
                d.gap(s.bytes().length, s.frame(), 0);
            } else {
                d.feed(s.bytes(), 0, s.bytes().length, s.frame(), 0);
            }
        }
        assertEquals(List.of("plaintext", "anomaly gap", "startTls smtp"), ev.keys().subList(0, 3));
        assertTrue(ev.first("clientHello") != null);
    }

    /**
     * A hole inside the first SSLv2 record (sslv2-session): the record still counts, so the next one
     * is not read as a first message. The server's encrypted records after a damaged SERVER-HELLO are
     * encrypted records; after a damaged CLIENT-HELLO the real CLIENT-MASTER-KEY is still recognised.
     */
    @Test
    void aHoleInsideTheFirstSslv2RecordKeepsItsPlace() {
        Fixture f = Fixture.load("sslv2-session");
        for (char dir : new char[] {'S', 'C'}) {
            List<Fixture.Segment> segs = f.direction(dir);
            RecordingEvents whole = Feeding.segments(segs, new TlsContext(TlsLimits.DEFAULT));
            RecordingEvents ev = new RecordingEvents();
            TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
            Fixture.Segment first = segs.get(0);
            d.feed(first.bytes(), 0, 20, first.frame(), 0);
            d.gap(10, first.frame(), 0);
            d.feed(first.bytes(), 30, first.bytes().length - 30, first.frame(), 0);
            for (Fixture.Segment s : segs.subList(1, segs.size())) {
                d.feed(s.bytes(), 0, s.bytes().length, s.frame(), 0);
            }
            // everything after the hello is as without the hole: the hello's own events are gone
            List<String> expected = new ArrayList<>(List.of("anomaly gap"));
            for (RecordingEvents.Event e : whole.events) {
                if (e.frame() != first.frame()) {
                    expected.add(e.key());
                }
            }
            assertEquals(expected, ev.keys(), "direction " + dir);
            assertTrue(expected.contains(dir == 'C' ? "handshakeMessage type=258 length=274" : "encryptedRecord type=-1 length=40"),
                    expected.toString());
        }
    }
}
