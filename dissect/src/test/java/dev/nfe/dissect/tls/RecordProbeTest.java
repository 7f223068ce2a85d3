package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfe.dissect.tls.RecordProbe.Expect;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RecordProbeTest {
    private static final int MAX = 18432;

    private static RecordProbe.Result probe(String hex, Expect expect) {
        byte[] b = HexFormat.of().parseHex(hex);
        return RecordProbe.probe(b, 0, b.length, expect, MAX);
    }

    private static void notTls(String hex, Expect expect, String reason) {
        RecordProbe.Result r = probe(hex, expect);
        assertInstanceOf(RecordProbe.NotTls.class, r, hex);
        assertEquals(reason, ((RecordProbe.NotTls) r).reason(), hex);
    }

    @Test
    void tlsRecordHeader() {
        assertEquals(new RecordProbe.Record(22, 0x0301, 5, 512, false), probe("1603010200", Expect.STREAM_START));
        assertEquals(new RecordProbe.Record(23, 0x0303, 5, 18432, false), probe("1703034800", Expect.STREAM_START));
        assertEquals(new RecordProbe.Record(24, 0x0303, 5, 16368, false), probe("1803033ff0", Expect.STREAM_START));
        for (String prefix : new String[] {"16", "1603", "160301", "16030102"}) {
            assertEquals(new RecordProbe.NeedMore(), probe(prefix, Expect.STREAM_START), prefix);
        }
    }

    @Test
    void strictChecksAtTheStartOfADirection() {
        notTls("40030300", Expect.STREAM_START, "content type not 20-24");
        // below 0x20 the first byte may start a padded SSLv2 hello: here a 6 KB ERROR, which is no ERROR
        notTls("19030300", Expect.STREAM_START, "SSLv2 ERROR length");
        notTls("1602", Expect.STREAM_START, "record version major not 3");
        notTls("160305", Expect.STREAM_START, "record version minor above 4");
        notTls("1603034801", Expect.STREAM_START, "record_overflow");
        notTls("1503030000", Expect.STREAM_START, "empty record");
    }

    @Test
    void continuationIsLenientAboutTypeMinorAndEmptyRecords() {
        assertEquals(new RecordProbe.Record(25, 0x0303, 5, 32, false), probe("1903030020", Expect.TLS_NEXT));
        assertEquals(new RecordProbe.Record(23, 0x0305, 5, 0, false), probe("1703050000", Expect.TLS_NEXT));
        notTls("1704030010", Expect.TLS_NEXT, "record version major not 3");
        notTls("170303ffff", Expect.TLS_NEXT, "record_overflow");
    }

    @Test
    void plaintextIsRejectedAtItsFirstByte() {
        for (String text : new String[] {"H", "2", "*", "+", "E", "<", "S", "0", "J"}) {
            byte[] b = text.getBytes(StandardCharsets.US_ASCII);
            assertInstanceOf(RecordProbe.NotTls.class, RecordProbe.probe(b, 0, 1, Expect.STREAM_START, MAX), text);
        }
        // a control byte below 0x20 may start a padded SSLv2 hello (3-byte header): one byte more decides
        assertEquals(new RecordProbe.NeedMore(), probe("00", Expect.STREAM_START));
        notTls("0000", Expect.STREAM_START, "SSLv2 record shorter than any hello");
    }

    @Test
    void sslv2ClientHello() {
        // the motivating hello's fixed part: 2-byte header (0x8074 = 116), CLIENT-HELLO, TLS 1.0, 75/0/32
        assertEquals(new RecordProbe.Record(-1, 0x0002, 2, 116, true), probe("8074010301004b00000020", Expect.STREAM_START));
        notTls("8074010301004b00000010", Expect.STREAM_START, "SSLv2 CLIENT-HELLO lengths do not add up");
        notTls("8064010201", Expect.STREAM_START, "SSLv2 CLIENT-HELLO version");
        notTls("8064010305", Expect.STREAM_START, "SSLv2 CLIENT-HELLO version");
        notTls("8074010301004a00000020", Expect.STREAM_START, "SSLv2 CLIENT-HELLO cipher-specs length");
        notTls("8063010301004b0000000f", Expect.STREAM_START, "SSLv2 CLIENT-HELLO challenge length");
        notTls("8074050301", Expect.STREAM_START, "SSLv2 message type not CLIENT-HELLO, SERVER-HELLO or ERROR");
        // the same hello with a 3-byte header (the padding form): without padding, with 7 padding bytes
        assertEquals(new RecordProbe.Record(-1, 0x0002, 3, 116, true), probe("007400010301004b00000020", Expect.STREAM_START));
        assertEquals(new RecordProbe.Record(-1, 0x0002, 3, 123, true), probe("007b07010301004b00000020", Expect.STREAM_START));
        assertEquals(new RecordProbe.NeedMore(), probe("007b07010301004b000000", Expect.STREAM_START));
        notTls("007b06010301004b00000020", Expect.STREAM_START, "SSLv2 CLIENT-HELLO lengths do not add up");
        notTls("000505", Expect.STREAM_START, "SSLv2 padding not shorter than the record");
        // IS-ESCAPE set, or 8 KB and more: not a hello
        notTls("407400010301004b00000020", Expect.STREAM_START, "content type not 20-24");
        notTls("207400010301004b00000020", Expect.STREAM_START, "content type not 20-24");
    }

    @Test
    void sslv2ServerHelloAndError() {
        byte[] s2c = Fixture.load("sslv2-session").stream('S');
        assertEquals(new RecordProbe.Record(-1, 0x0002, 2, 948, true),
                RecordProbe.probe(s2c, 0, 13, Expect.STREAM_START, MAX));
        assertEquals(new RecordProbe.NeedMore(), RecordProbe.probe(s2c, 0, 12, Expect.STREAM_START, MAX));
        assertEquals(new RecordProbe.Record(-1, 0x0002, 2, 3, true), probe("8003000001", Expect.STREAM_START));
        notTls("8003000003", Expect.STREAM_START, "SSLv2 ERROR code");
    }

    @Test
    void afterSslv2AnyHeaderOrATlsRecord() {
        assertEquals(new RecordProbe.Record(-1, 0x0002, 3, 0x20, true), probe("002007", Expect.SSLV2_NEXT));
        assertEquals(new RecordProbe.Record(-1, 0x0002, 2, 0x28, true), probe("8028", Expect.SSLV2_NEXT));
        assertEquals(new RecordProbe.Record(22, 0x0301, 5, 0x86, false), probe("1603010086", Expect.SSLV2_NEXT));
        notTls("002020", Expect.SSLV2_NEXT, "SSLv2 padding not shorter than the record");
    }

    @Test
    void upgradeNeedsAHelloOrAPlaintextAlert() {
        byte[] mysql = Fixture.load("starttls-mysql").stream('C');
        RecordProbe.Result r = RecordProbe.probe(mysql, 36, mysql.length - 36, Expect.UPGRADE, MAX);
        assertEquals(new RecordProbe.Record(22, 0x0302, 5, 0x97, false), r);
        for (int n = 1; n < 11; n++) {
            assertEquals(new RecordProbe.NeedMore(), RecordProbe.probe(mysql, 36, n, Expect.UPGRADE, MAX), "prefix " + n);
        }
        assertEquals(new RecordProbe.Record(21, 0x0303, 5, 2, false), probe("15030300020228", Expect.UPGRADE));
        notTls("15030300020299", Expect.UPGRADE, "alert description not registered");
        notTls("1703030020", Expect.UPGRADE, "not a handshake or alert record");
        notTls("160301004a0b", Expect.UPGRADE, "first handshake message is not a ClientHello or ServerHello");
        notTls("160301004a01000100", Expect.UPGRADE, "hello longer than its record");
        notTls("160301004a01000010", Expect.UPGRADE, "hello too short");
        assertEquals(new RecordProbe.NeedMore(), probe("160301004a0100004603", Expect.UPGRADE));
        notTls("160301004a0100004602", Expect.UPGRADE, "hello version");
        // the record-probe fuzzer's finding: the reason once depended on how many bytes were given
        // (5: record too short, 6 and more: not a hello type); checks now go in byte order
        for (int n = 5; n <= 8; n++) {
            notTls("16030100 1a000000".replace(" ", "").substring(0, 2 * n), Expect.UPGRADE,
                    "handshake record too short for a hello");
        }
    }

    @Test
    void resyncWantsTheStreamsVersion() {
        byte[] b = HexFormat.of().parseHex("1703010020");
        assertInstanceOf(RecordProbe.Record.class, RecordProbe.probe(b, 0, 5, Expect.RESYNC, MAX, 0x0301));
        assertInstanceOf(RecordProbe.NotTls.class, RecordProbe.probe(b, 0, 5, Expect.RESYNC, MAX, 0x0303));
    }

    static java.util.List<String> directions() {
        return Fixtures.directions();
    }

    /** The answer never changes once it is not "need more": the probe decides from the bytes present only. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("directions")
    void answersAreStableAsBytesArrive(String fixtureAndDir) {
        Fixture f = Fixture.load(fixtureAndDir.substring(0, fixtureAndDir.length() - 2));
        byte[] s = f.stream(fixtureAndDir.charAt(fixtureAndDir.length() - 1));
        for (Expect expect : Expect.values()) {
            for (int start = 0; start < Math.min(s.length, 64); start++) {
                RecordProbe.Result decided = null;
                for (int n = 1; n <= Math.min(RecordProbe.MAX_PROBE_BYTES, s.length - start); n++) {
                    RecordProbe.Result r = RecordProbe.probe(s, start, n, expect, MAX, 0x0303);
                    if (decided != null) {
                        assertEquals(decided, r, expect + " at " + start + " with " + n + " bytes");
                    } else if (!(r instanceof RecordProbe.NeedMore)) {
                        decided = r;
                    }
                }
                if (s.length - start >= RecordProbe.MAX_PROBE_BYTES) {
                    assertTrue(decided != null, expect + " decides within MAX_PROBE_BYTES at " + start);
                }
            }
        }
    }

    @Test
    void neverReadsOutsideItsWindow() {
        byte[] b = HexFormat.of().parseHex("00008074010301004b0000002000");
        byte[] copy = Arrays.copyOf(b, b.length);
        for (Expect expect : Expect.values()) {
            for (int off = 0; off < b.length; off++) {
                for (int len = 0; off + len <= b.length; len++) {
                    RecordProbe.probe(b, off, len, expect, MAX);
                }
            }
        }
        assertEquals(HexFormat.of().formatHex(copy), HexFormat.of().formatHex(b));
    }
}
