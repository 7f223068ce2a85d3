package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The motivating hello: the SSLv2-format CLIENT-HELLO of a loopback connection labelled
 * reset_after_client_hello_sslv2 (loopback-small conn_id 28, 127.0.0.1:53872 -> 127.0.0.12:443).
 */
class Sslv2HelloTest {

    private static final byte[] HEAD = HexFormat.of().parseHex("8074010301004b00000020");
    private static final int[] SPECS = {
        0x000039, 0x000038, 0x000035, 0x000016, 0x000013, 0x00000a, 0x0700c0, 0x000033, 0x000032, 0x00002f,
        0x030080, 0x000005, 0x000004, 0x010080, 0x000015, 0x000012, 0x000009, 0x060040, 0x000014, 0x000011,
        0x000008, 0x000006, 0x040080, 0x000003, 0x020080};

    @Test
    void fixtureHoldsTheHelloOfTheBrief() {
        byte[] c2s = Fixture.load("loopback-sslv2-reset").stream('C');
        assertEquals(HEAD.length + 3 * SPECS.length + 32, c2s.length);
        assertArrayEquals(HEAD, Arrays.copyOf(c2s, HEAD.length));
        for (int i = 0; i < SPECS.length; i++) {
            int p = HEAD.length + 3 * i;
            assertEquals(SPECS[i], (c2s[p] & 0xff) << 16 | (c2s[p + 1] & 0xff) << 8 | (c2s[p + 2] & 0xff));
        }
    }

    @Test
    void decodesExactly() {
        Fixture f = Fixture.load("loopback-sslv2-reset");
        RecordingEvents events = Feeding.segments(f.direction('C'), new TlsContext(TlsLimits.DEFAULT));
        assertEquals(List.of("handshakeMessage type=257 length=116", "clientHello"), events.events.stream()
                .map(e -> e.kind().equals("clientHello") ? "clientHello" : e.key()).toList());
        RecordingEvents.Event e = events.first("clientHello");
        ClientHello h = (ClientHello) e.value();
        assertTrue(h.sslv2Format());
        assertEquals(-1, h.recordVersion());
        assertEquals(0x0301, h.handshakeVersion());
        assertEquals(Arrays.stream(SPECS).boxed().toList(), h.cipherSuites());
        assertEquals(0, h.sessionIdLength());
        assertEquals(32, h.challengeLength());
        assertEquals(116, h.messageLength());
        assertEquals(List.of(), h.extensionTypes());
        assertEquals(List.of(), h.compressionMethods());
        assertNull(h.sni());
        assertFalse(h.grease());
        assertEquals(1, h.records());
        assertEquals(1, h.tcpSegments());
        assertEquals(334, e.frame(), "the frame of the hello in loopback-small/capture.pcap");
    }

    @Test
    void probeSeesAnSslv2Record() {
        byte[] c2s = Fixture.load("loopback-sslv2-reset").stream('C');
        assertEquals(new RecordProbe.Record(-1, 0x0002, 2, 116, true),
                RecordProbe.probe(c2s, 0, c2s.length, RecordProbe.Expect.STREAM_START, 18432));
        // every proper prefix is "need more" up to the fixed part, then a record
        for (int n = 1; n < 11; n++) {
            assertEquals(new RecordProbe.NeedMore(), RecordProbe.probe(c2s, 0, n, RecordProbe.Expect.STREAM_START, 18432),
                    "prefix " + n);
        }
        assertTrue(RecordProbe.probe(c2s, 0, 11, RecordProbe.Expect.STREAM_START, 18432) instanceof RecordProbe.Record);
    }

    @Test
    void theSameBytesBuiltFromTheBriefDecodeTheSame() {
        byte[] challenge = Arrays.copyOfRange(Fixture.load("loopback-sslv2-reset").stream('C'), 86, 118);
        byte[] hello = new byte[HEAD.length + 3 * SPECS.length + 32];
        System.arraycopy(HEAD, 0, hello, 0, HEAD.length);
        for (int i = 0; i < SPECS.length; i++) {
            hello[HEAD.length + 3 * i] = (byte) (SPECS[i] >> 16);
            hello[HEAD.length + 3 * i + 1] = (byte) (SPECS[i] >> 8);
            hello[HEAD.length + 3 * i + 2] = (byte) SPECS[i];
        }
        System.arraycopy(challenge, 0, hello, 86, 32);
        RecordingEvents events = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), events);
        d.feed(hello, 0, hello.length, 1, 1);
        assertEquals(TlsStreamDecoder.Mode.SSLV2, d.mode());
        ClientHello h = (ClientHello) events.first("clientHello").value();
        assertEquals(Arrays.stream(SPECS).boxed().toList(), h.cipherSuites());
        assertEquals(0x0301, h.handshakeVersion());
    }
}
