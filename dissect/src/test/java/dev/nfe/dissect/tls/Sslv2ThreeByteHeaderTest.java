package dev.nfe.dissect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SSLv2 hellos with the 3-byte record header (the padding form) at the start of a direction. The
 * hellos are real ones (the SSLv2 CLIENT-HELLOs and the SERVER-HELLO of the fixtures) re-framed by
 * src/test/fixtures/sslv2_three_byte.py, without padding and with 7 padding bytes; scapy's decoding
 * of the same bytes is the independent expectation (tshark 4.0 does not decode this form). The
 * decoded hello must be scapy's, the events must be those of the original 2-byte form (which
 * {@link TsharkAgreementTest} holds to tshark's), and both at every split point.
 */
class Sslv2ThreeByteHeaderTest {

    static List<Map<String, Object>> variants() {
        List<Map<String, Object>> out = new ArrayList<>();
        try (InputStream in = Sslv2ThreeByteHeaderTest.class.getClassLoader()
                .getResourceAsStream("tls/sslv2-three-byte.jsonl");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(MiniJson.object(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void everyRealSslv2HelloIsThereWithAndWithoutPadding() {
        List<Map<String, Object>> v = variants();
        assertEquals(12, v.size());
        for (Map<String, Object> m : v) {
            byte[] s = HexFormat.of().parseHex((String) m.get("stream"));
            int padding = ((Long) m.get("padding")).intValue();
            assertEquals(0, s[0] & 0xc0, "3-byte header, not an escape");
            assertEquals(padding, s[2] & 0xff);
            assertEquals(((Long) m.get("record_length")).intValue(), (s[0] & 0x3f) << 8 | (s[1] & 0xff));
        }
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("variants")
    @SuppressWarnings("unchecked")
    void decodesAsScapyAndAsTheTwoByteFormAtEverySplit(Map<String, Object> variant) {
        String fixture = (String) variant.get("fixture");
        char dir = ((String) variant.get("dir")).charAt(0);
        int padding = ((Long) variant.get("padding")).intValue();
        int recordLength = ((Long) variant.get("record_length")).intValue();
        Map<String, Object> scapy = (Map<String, Object>) variant.get("scapy");
        byte[] stream = HexFormat.of().parseHex((String) variant.get("stream"));
        String what = fixture + " " + dir + " padding " + padding;
        TlsContext context = new TlsContext(TlsLimits.DEFAULT);

        assertEquals(new RecordProbe.Record(-1, 0x0002, 3, recordLength, true),
                RecordProbe.probe(stream, 0, stream.length, RecordProbe.Expect.STREAM_START, 18432), what);
        RecordingEvents events = Feeding.cuts(stream, new int[0], context);
        RecordingEvents original = Feeding.cuts(Fixture.load(fixture).stream(dir), new int[0], context);
        assertEquals(original.keys(), events.keys(), what + ": the events of the 2-byte form");
        assertEquals(original.finalMode, events.finalMode, what);

        long message = recordLength - padding;
        assertEquals(padding, ((Long) scapy.get("padlen")).intValue(), what);
        if (((Long) scapy.get("msg")) == 1) {
            RecordingEvents.Event e = events.first("clientHello");
            assertNotNull(e, what);
            ClientHello h = (ClientHello) e.value();
            assertTrue(h.sslv2Format(), what);
            assertEquals(-1, h.recordVersion(), what);
            assertEquals(scapy.get("version"), (long) h.handshakeVersion(), what);
            assertEquals(scapy.get("ciphers"), h.cipherSuites().stream().map(Integer::longValue).toList(), what);
            assertEquals(scapy.get("sid_length"), (long) h.sessionIdLength(), what);
            assertEquals(scapy.get("challenge_length"), (long) h.challengeLength(), what);
            assertEquals(message, h.messageLength(), what + ": the padding is no part of the hello");
            assertEquals("handshakeMessage type=257 length=" + message, events.events.get(0).key(), what);
        } else {
            RecordingEvents.Event e = events.first("serverHello");
            assertNotNull(e, what);
            ServerHello h = (ServerHello) e.value();
            assertEquals(scapy.get("version"), (long) h.selectedVersion(), what);
            List<Long> ciphers = (List<Long>) scapy.get("ciphers");
            assertEquals(ciphers.get(0), (long) h.cipher(), what + ": the first cipher spec");
            assertEquals(1, events.of("certificates").size(), what);
            assertEquals("handshakeMessage type=260 length=" + message, events.events.get(0).key(), what);
        }
        SplitPointTest.assertEverySplit(what, stream, context);
    }

    /**
     * The padding is no part of a message after the hello either: an ERROR (NO-CERTIFICATE-ERROR,
     * code 2) in a 3-byte record with 5 padding bytes, after the real SERVER-HELLO of sslv2-session,
     * is read as an ERROR, as the same ERROR with a 2-byte header is.
     */
    @Test
    void aPaddedErrorAfterTheHelloIsAnError() {
        byte[] s2c = Fixture.load("sslv2-session").stream('S');
        int hello = 2 + (((s2c[0] & 0x7f) << 8) | (s2c[1] & 0xff));
        byte[] padded = HexFormat.of().parseHex("0008050000020000000000");
        byte[] plain = HexFormat.of().parseHex("8003000002");
        for (byte[] error : List.of(padded, plain)) {
            byte[] stream = java.util.Arrays.copyOf(s2c, hello + error.length);
            System.arraycopy(error, 0, stream, hello, error.length);
            RecordingEvents events = Feeding.cuts(stream, new int[0], new TlsContext(TlsLimits.DEFAULT));
            assertEquals("handshakeMessage type=256 length=3", events.events.get(events.events.size() - 1).key(),
                    HexFormat.of().formatHex(error));
            SplitPointTest.assertEverySplit(HexFormat.of().formatHex(error), stream, new TlsContext(TlsLimits.DEFAULT));
        }
    }

    /**
     * An encrypted SSLv2 record with a 3-byte header is reported with its length on the wire
     * (padding included) both where it is kept whole to be looked at (right after the real
     * CLIENT-HELLO of sslv2-session, where a CLIENT-MASTER-KEY may be) and where it is counted over.
     */
    @Test
    void anEncryptedPaddedRecordHasItsWireLengthWhetherKeptOrCounted() {
        byte[] c2s = Fixture.load("sslv2-session").stream('C');
        int hello = 2 + (((c2s[0] & 0x7f) << 8) | (c2s[1] & 0xff));
        byte[] record = new byte[3 + 40];
        record[1] = 40;
        record[2] = 7;
        java.util.Arrays.fill(record, 3, record.length, (byte) 0x5a);
        byte[] stream = new byte[hello + 2 * record.length];
        System.arraycopy(c2s, 0, stream, 0, hello);
        System.arraycopy(record, 0, stream, hello, record.length);
        System.arraycopy(record, 0, stream, hello + record.length, record.length);
        RecordingEvents events = Feeding.cuts(stream, new int[0], new TlsContext(TlsLimits.DEFAULT));
        List<String> keys = events.keys();
        assertEquals(List.of("encryptedRecord type=-1 length=40", "encryptedRecord type=-1 length=40"),
                keys.subList(keys.size() - 2, keys.size()));
    }

    /**
     * Plaintext is decided as before: a printable first byte at once (a padded hello's first byte is
     * below 0x20), binary protocols that start with small bytes within the header (PostgreSQL's
     * SSLRequest, a NetBIOS session header) or the message type and version; an escape (0x40 set) is
     * never taken for a hello.
     */
    @Test
    void plaintextIsNotTakenForAThreeByteHeader() {
        for (String text : new String[] {"220 mail.example.com ESMTP\r\n", "* OK IMAP4rev1\r\n", "+OK POP3\r\n",
                "<?xml version='1.0'?>", "0\u001d\u0002\u0001\u0001w"}) {
            byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
            assertTrue(RecordProbe.probe(b, 0, 1, RecordProbe.Expect.STREAM_START, 18432) instanceof RecordProbe.NotTls,
                    text + " is decided at its first byte");
        }
        for (String hex : new String[] {"0000000804d2162f", "00000054ff534d42", "0300001302f080"}) {
            byte[] b = HexFormat.of().parseHex(hex);
            assertTrue(RecordProbe.probe(b, 0, 4, RecordProbe.Expect.STREAM_START, 18432) instanceof RecordProbe.NotTls,
                    hex + " is decided within 4 bytes");
        }
        byte[] hello = HexFormat.of().parseHex((String) variants().get(0).get("stream"));
        hello[0] |= 0x40;
        assertTrue(RecordProbe.probe(hello, 0, hello.length, RecordProbe.Expect.STREAM_START, 18432)
                instanceof RecordProbe.NotTls);
    }
}
