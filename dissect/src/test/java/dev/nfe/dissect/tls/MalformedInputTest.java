package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.dissect.report.CertificateInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed input is data, not an exception storm (DESIGN.md): real fixtures cut at every
 * position, their hello length fields rewritten, random bytes flipped, and caps hit on purpose.
 * The decoder never throws, reports at most one violation and nothing after it, reports each
 * anomaly once, and never buffers beyond its limits.
 */
class MalformedInputTest {

    static List<String> directions() {
        return Fixtures.directions();
    }

    /** A stream that ends early gives a prefix of the events of the whole stream. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("directions")
    void everyTruncationGivesAPrefixOfTheEvents(String fixtureAndDir) {
        Fixture f = Fixture.load(fixtureAndDir.substring(0, fixtureAndDir.length() - 2));
        byte[] s = f.stream(fixtureAndDir.charAt(fixtureAndDir.length() - 1));
        TlsContext context = new TlsContext(TlsLimits.DEFAULT);
        List<String> all = Feeding.cuts(s, new int[0], context).keys();
        for (int n = 0; n < s.length; n++) {
            RecordingEvents ev = Feeding.fragments(Arrays.copyOf(s, n), 1460, context);
            assertSane(ev);
            List<String> got = ev.keys();
            assertEquals(all.subList(0, got.size()), got, fixtureAndDir + " cut at " + n);
        }
    }

    /** Every length field of the first ClientHello/ServerHello set to 0, 1, one less, one more and all ones. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("directions")
    void rewrittenLengthFieldsNeverThrow(String fixtureAndDir) {
        Fixture f = Fixture.load(fixtureAndDir.substring(0, fixtureAndDir.length() - 2));
        byte[] s = f.stream(fixtureAndDir.charAt(fixtureAndDir.length() - 1));
        List<int[]> fields = lengthFields(s);
        TlsContext context = new TlsContext(TlsLimits.DEFAULT);
        for (int[] field : fields) {
            int at = field[0];
            int width = field[1];
            long original = read(s, at, width);
            long max = (1L << (8 * width)) - 1;
            for (long v : new long[] {0, 1, original - 1, original + 1, max, max >> 1}) {
                if (v < 0 || v > max || v == original) {
                    continue;
                }
                byte[] m = s.clone();
                write(m, at, width, v);
                for (int size : new int[] {1, 7, 1460}) {
                    assertSane(Feeding.fragments(m, size, context));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("directions")
    void randomByteFlipsNeverThrow(String fixtureAndDir) {
        Fixture f = Fixture.load(fixtureAndDir.substring(0, fixtureAndDir.length() - 2));
        byte[] s = f.stream(fixtureAndDir.charAt(fixtureAndDir.length() - 1));
        Random random = new Random(fixtureAndDir.hashCode());
        TlsContext context = new TlsContext(TlsLimits.DEFAULT);
        for (int at = 0; at < Math.min(s.length, 700); at++) {
            byte[] m = s.clone();
            m[at] ^= (byte) (1 + random.nextInt(255));
            assertSane(Feeding.fragments(m, 1 + random.nextInt(300), context));
        }
    }

    @Test
    void randomStreamsNeverThrow() {
        Random random = new Random(42);
        TlsContext context = new TlsContext(TlsLimits.DEFAULT);
        for (int i = 0; i < 3000; i++) {
            byte[] b = new byte[random.nextInt(2000)];
            random.nextBytes(b);
            if (b.length > 0 && i % 3 == 0) {
                b[0] = (byte) (20 + random.nextInt(5)); // look like a record
                if (b.length > 2) {
                    b[1] = 3;
                    b[2] = (byte) random.nextInt(5);
                }
            } else if (b.length > 0 && i % 3 == 1) {
                b[0] = (byte) 0x80; // look like SSLv2
            }
            assertSane(Feeding.fragments(b, 1 + random.nextInt(100), context));
        }
    }

    @Test
    void aBrokenExtensionBlockKeepsTheHello() {
        // arkime_synthetic's ServerHello: extensions length 1 with one byte (tshark shows the hello too)
        byte[] sh = HexFormat.of().parseHex("160303002d020000290303202122232425262728292a2b2c2d2e2f30313233343536"
                + "3738393a3b3c3d3e3f00130100000100");
        RecordingEvents ev = Feeding.fragments(sh, sh.length, new TlsContext(TlsLimits.DEFAULT));
        assertEquals(List.of("handshakeMessage type=2 length=41", "anomaly malformed_extensions",
                "serverHello ServerHello[sslv2Format=false, recordVersion=771, handshakeVersion=771, "
                        + "selectedVersion=771, cipher=4865, compressionMethod=0, extensionTypes=[], alpn=null, "
                        + "helloRetryRequest=false]"), ev.keys());
        assertEquals(TlsStreamDecoder.Mode.TLS, ev.finalMode);
    }

    @Test
    void aHelloClaiming16MegabytesIsAViolationAtOnce() {
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
        byte[] b = HexFormat.of().parseHex("1603010004" + "01ffffff");
        d.feed(b, 0, b.length, 7, 70);
        assertEquals(List.of("violation handshake_message_too_large: type 1 length 16777215 above the cap 262144"),
                ev.keys());
        assertEquals(7, ev.events.get(0).frame());
        assertEquals(TlsStreamDecoder.Mode.BROKEN, d.mode());
        assertFalse(d.wantsBytes());
        d.feed(b, 0, b.length, 8, 80); // ignored
        assertEquals(1, ev.events.size());
    }

    @Test
    void anOversizedCertificateMessageIsSkippedAndParsingGoesOn() {
        // a Certificate message of 5000 bytes spread over records, then a ServerHelloDone, with a 1000-byte cap
        TlsLimits limits = new TlsLimits(5 + 16384, 1000, 10, 512, 65536);
        byte[] message = new byte[4 + 5000];
        message[0] = 11;
        message[2] = (byte) (5000 >> 8);
        message[3] = (byte) 5000;
        List<byte[]> records = new ArrayList<>();
        for (int off = 0; off < message.length; off += 1200) {
            records.add(record(22, Arrays.copyOfRange(message, off, Math.min(message.length, off + 1200))));
        }
        records.add(record(22, new byte[] {14, 0, 0, 0}));
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(limits), ev);
        long frame = 1;
        for (byte[] r : records) {
            d.feed(r, 0, r.length, frame++, 0);
        }
        assertEquals(List.of("anomaly handshake_message_too_large", "handshakeMessage type=11 length=5000",
                "handshakeMessage type=14 length=0"), ev.keys());
        assertEquals(5, ev.events.get(1).frame(), "the record that held the message's last byte");
        assertTrue(d.wantsBytes());
    }

    @Test
    void recordOverflowIsAViolation() {
        byte[] hello = Fixture.load("tls12-openssl-chain").stream('C');
        byte[] ccsAndBig = HexFormat.of().parseHex("140303000101" + "1703034901");
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
        d.feed(hello, 0, firstRecord(hello), 1, 0); // the ClientHello record
        d.feed(ccsAndBig, 0, ccsAndBig.length, 2, 0);
        assertEquals("violation bad_record_header: record_overflow (17 03 03 49 01)", ev.events.get(ev.events.size() - 1).key());
        // and at the start of a direction a TLS-shaped header with a bad length is broken TLS, not plaintext
        RecordingEvents first = new RecordingEvents();
        TlsStreamDecoder d2 = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), first);
        d2.feed(ccsAndBig, 6, 5, 3, 0);
        assertEquals(List.of("violation bad_record_header: record_overflow (17 03 03 49 01)"), first.keys());
    }

    @Test
    void aBadHeaderMidStreamIsOneViolation() {
        byte[] hello = Fixture.load("tls12-openssl-chain").stream('C');
        byte[] junk = "GET / HTTP/1.1\r\n\r\n".getBytes();
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
        d.feed(hello, 0, firstRecord(hello), 1, 0);
        d.feed(junk, 0, junk.length, 2, 0);
        d.feed(hello, 0, firstRecord(hello), 3, 0);
        // the evidence is the bytes the probe decided on ("GE": G is a content type, E no major version)
        assertEquals("violation bad_record_header: record version major not 3 (47 45)",
                ev.events.get(ev.events.size() - 1).key());
        assertEquals(2, ev.events.get(ev.events.size() - 1).frame());
        assertEquals(1, ev.of("violation").size());
    }

    @Test
    void aViolationQuotesTheBytesItWasDecidedOnWhateverTheCut() {
        // the tls-stream fuzzer's finding: after a record, 00 02 01 01 00 quoted all 5 bytes fed
        // whole and 3 when the feed ended after 00 02 01; the decision falls at the 2nd byte
        byte[] hello = Fixture.load("tls12-openssl-chain").stream('C');
        int n = firstRecord(hello);
        byte[] s = Arrays.copyOf(hello, n + 5);
        System.arraycopy(HexFormat.of().parseHex("0002010100"), 0, s, n, 5);
        for (int[] cuts : new int[][] {{}, {n + 1}, {n + 2}, {n + 3}, {n + 4}}) {
            RecordingEvents ev = Feeding.cuts(s, cuts, new TlsContext(TlsLimits.DEFAULT));
            assertEquals("violation bad_record_header: record version major not 3 (00 02)",
                    ev.events.get(ev.events.size() - 1).key(), Arrays.toString(cuts));
        }
    }

    @Test
    void listsAndChainsAreCapped() {
        TlsLimits limits = new TlsLimits(5 + 16384 + 2048 + 256, 256 * 1024, 1, 5, 65536);
        TlsContext context = new TlsContext(limits);
        RecordingEvents c = Feeding.segments(Fixture.load("ch-huge").direction('C'), context);
        ClientHello h = (ClientHello) c.first("clientHello").value();
        assertEquals(5, h.cipherSuites().size());
        assertEquals(5, h.extensionTypes().size());
        assertTrue(c.keys().contains("anomaly list_capped"));
        RecordingEvents s = Feeding.segments(Fixture.load("tls12-openssl-chain").direction('S'), context);
        @SuppressWarnings("unchecked")
        List<CertificateInfo> chain = (List<CertificateInfo>) s.first("certificates").value();
        assertEquals(1, chain.size());
        assertTrue(s.keys().contains("anomaly certificate_chain_capped"));
    }

    @Test
    void aCertificateBouncyCastleCannotParseIsAnAnomaly() {
        Fixture f = Fixture.load("tls12-openssl-chain");
        byte[] s = f.stream('S');
        // Certificate message: find "0b 00 .. .." after the ServerHello record, then the first DER's SEQUENCE tag
        int at = indexOf(s, HexFormat.of().parseHex("0b000e"));
        int der = at + 4 + 3 + 3;
        assertEquals(0x30, s[der] & 0xff);
        s[der + 4] = (byte) 0xff; // break the TBSCertificate tag
        RecordingEvents ev = Feeding.fragments(s, 1448, new TlsContext(TlsLimits.DEFAULT));
        assertSane(ev);
        @SuppressWarnings("unchecked")
        List<CertificateInfo> chain = (List<CertificateInfo>) ev.first("certificates").value();
        assertEquals(3, chain.size());
        assertNull(chain.get(0).subject());
        assertNotNull(chain.get(0).sha256());
        assertNotNull(chain.get(1).subject());
        assertTrue(ev.keys().contains("anomaly certificate_unparseable"));
    }

    @Test
    void thePlaintextScanIsCapped() {
        TlsLimits limits = new TlsLimits(5 + 16384, 4096, 10, 512, 100);
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(limits), ev);
        byte[] line = "250-SOMETHING LONG ENOUGH\r\n".getBytes();
        for (int i = 0; i < 10; i++) {
            d.feed(line, 0, line.length, i, 0);
        }
        assertEquals(List.of("plaintext", "anomaly plaintext_scan_limit"), ev.keys());
        assertFalse(d.wantsBytes());
        assertEquals(TlsStreamDecoder.Mode.PLAINTEXT, d.mode());
    }

    // ------------------------------------------------------------------------------ helpers

    static void assertSane(RecordingEvents ev) {
        int violations = 0;
        Set<String> anomalies = new HashSet<>();
        for (int i = 0; i < ev.events.size(); i++) {
            RecordingEvents.Event e = ev.events.get(i);
            if (e.kind().equals("violation")) {
                violations++;
                assertEquals(ev.events.size() - 1, i, "nothing after a violation: " + ev.keys());
                assertEquals(TlsStreamDecoder.Mode.BROKEN, ev.finalMode);
                assertFalse(ev.finalWantsBytes);
            }
            if (e.kind().equals("anomaly")) {
                assertTrue(anomalies.add((String) e.value()), "anomaly reported twice: " + e.value());
            }
        }
        assertTrue(violations <= 1);
        assertTrue(ev.of("plaintext").size() <= 1);
        assertTrue(ev.of("startTls").size() <= 1);
    }

    /** [offset, width] of the length fields of the first hello at the start of a stream (after a plaintext prefix: none). */
    private static List<int[]> lengthFields(byte[] s) {
        List<int[]> out = new ArrayList<>();
        if (s.length < 11) {
            return out;
        }
        if ((s[0] & 0x80) != 0) { // SSLv2 record: record length, then three lengths
            out.add(new int[] {0, 2});
            out.add(new int[] {5, 2});
            out.add(new int[] {7, 2});
            out.add(new int[] {9, 2});
            if (s[2] == 4) {
                out.add(new int[] {11, 2});
            }
            return out;
        }
        if (s[0] != 22 || (s[5] != 1 && s[5] != 2)) {
            return out;
        }
        out.add(new int[] {3, 2});
        out.add(new int[] {6, 3});
        int p = 9 + 2 + 32;
        boolean client = s[5] == 1;
        int end = Math.min(s.length, 5 + (int) read(s, 3, 2));
        if (p >= end) {
            return out;
        }
        out.add(new int[] {p, 1});
        p += 1 + (s[p] & 0xff);
        if (client) {
            if (p + 2 > end) {
                return out;
            }
            out.add(new int[] {p, 2});
            p += 2 + (int) read(s, p, 2);
            if (p + 1 > end) {
                return out;
            }
            out.add(new int[] {p, 1});
            p += 1 + (s[p] & 0xff);
        } else {
            p += 3;
        }
        if (p + 2 > end) {
            return out;
        }
        out.add(new int[] {p, 2});
        p += 2;
        while (p + 4 <= end) {
            out.add(new int[] {p + 2, 2});
            p += 4 + (int) read(s, p + 2, 2);
        }
        return out;
    }

    private static long read(byte[] b, int at, int width) {
        long v = 0;
        for (int i = 0; i < width; i++) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v;
    }

    private static void write(byte[] b, int at, int width, long v) {
        for (int i = width - 1; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    static int firstRecord(byte[] s) {
        return 5 + (int) read(s, 3, 2);
    }

    static byte[] record(int type, byte[] body) {
        byte[] r = new byte[5 + body.length];
        r[0] = (byte) type;
        r[1] = 3;
        r[2] = 3;
        r[3] = (byte) (body.length >> 8);
        r[4] = (byte) body.length;
        System.arraycopy(body, 0, r, 5, body.length);
        return r;
    }

    static int indexOf(byte[] b, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= b.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
