package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** STARTTLS upgrades in real captures, non-TLS answers, and where an upgrade may start. */
class StartTlsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "starttls-smtp-arkime, smtp",
        "starttls-smtp-ndpi-v6, smtp",
        "starttls-imap, imap",
        "starttls-pop3, pop3",
        "starttls-ftp, ftp",
        "starttls-ldap, ldap",
        "starttls-mysql, mysql",
        "starttls-postgresql, postgresql",
        "starttls-pgsql-hrr, postgresql",
        "starttls-socks5, socks"})
    void upgradesAreFoundAndNamed(String name, String protocol) {
        Fixture f = Fixture.load(name);
        for (char dir : new char[] {'C', 'S'}) {
            RecordingEvents ev = Feeding.segments(f.direction(dir), new TlsContext(TlsLimits.DEFAULT));
            List<String> kinds = ev.events.stream().map(RecordingEvents.Event::kind).toList();
            assertEquals("plaintext", kinds.get(0), name + " " + dir);
            assertEquals("startTls", kinds.get(1), name + " " + dir);
            assertEquals("startTls " + protocol, ev.events.get(1).key(), name + " " + dir);
            String hello = dir == 'C' ? "clientHello" : "serverHello";
            RecordingEvents.Event h = ev.first(hello);
            assertNotNull(h, name + " " + dir + " " + hello);
            assertEquals(ev.events.get(1).frame(), h.frame(), "the hello is in the frame TLS started in");
            assertEquals(TlsStreamDecoder.Mode.TLS, ev.finalMode);
            assertEquals(0, ev.of("violation").size());
            // the plaintext evidence is the first bytes of the direction
            byte[] first = (byte[]) ev.events.get(0).value();
            assertArrayEquals(Arrays.copyOf(f.stream(dir), first.length), first);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"non-tls-http-server", "loopback-non-tls-response"})
    void anHttpAnswerIsPlaintextAndStaysSo(String name) {
        Fixture f = Fixture.load(name);
        RecordingEvents server = Feeding.segments(f.direction('S'), new TlsContext(TlsLimits.DEFAULT));
        assertEquals(List.of("plaintext"), server.keys());
        assertEquals("HTTP/1.1 400 Bad", new String((byte[]) server.events.get(0).value(), StandardCharsets.US_ASCII));
        assertEquals(TlsStreamDecoder.Mode.PLAINTEXT, server.finalMode);
        assertTrue(server.finalWantsBytes, "still looking for a STARTTLS upgrade");
        RecordingEvents client = Feeding.segments(f.direction('C'), new TlsContext(TlsLimits.DEFAULT));
        assertNotNull(client.first("clientHello"));
        assertEquals(TlsStreamDecoder.Mode.TLS, client.finalMode);
    }

    @Test
    void mysqlSslRequestAndClientHelloInOneSegment() {
        byte[] c2s = Fixture.load("starttls-mysql").stream('C');
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
        d.feed(c2s, 0, c2s.length, 6, 0);
        assertEquals(List.of("plaintext", "startTls mysql", "handshakeMessage type=1 length=147", "clientHello"),
                ev.events.stream().map(e -> e.kind().equals("clientHello") ? "clientHello" : e.key()).toList());
        assertEquals(1, ((ClientHello) ev.first("clientHello").value()).tcpSegments());
    }

    @Test
    void xmppStartTls() {
        byte[] hello = Fixture.load("tls12-openssl-chain").stream('C');
        int helloRecord = 5 + ((hello[3] & 0xff) << 8 | (hello[4] & 0xff));
        String open = "<?xml version='1.0'?><stream:stream to='example.net' xmlns='jabber:client' "
                + "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
        String starttls = "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
        // TLS right after the <starttls/> element, in the same segment
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        one.writeBytes(open.getBytes(StandardCharsets.US_ASCII));
        one.writeBytes(starttls.getBytes(StandardCharsets.US_ASCII));
        one.write(hello, 0, helloRecord);
        byte[] b = one.toByteArray();
        for (int size : new int[] {b.length, 1, 13}) {
            RecordingEvents ev = Feeding.fragments(b, size, new TlsContext(TlsLimits.DEFAULT));
            assertEquals("startTls xmpp", ev.events.get(1).key(), "fragments of " + size);
            assertNotNull(ev.first("clientHello"));
        }
    }

    @Test
    void tlsLookingBytesInsideALineAreNotAnUpgrade() {
        byte[] hello = Fixture.load("tls12-openssl-chain").stream('C');
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\nbody:".getBytes(StandardCharsets.US_ASCII));
        b.write(hello, 0, 300);
        byte[] s = b.toByteArray();
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
        d.feed(s, 0, s.length, 1, 0);
        assertEquals(List.of("plaintext"), ev.keys());
        // right after a line end, though, a real hello is an upgrade (protocol from the bytes: http)
        RecordingEvents ev2 = new RecordingEvents();
        TlsStreamDecoder d2 = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev2);
        byte[] connect = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n".getBytes();
        d2.feed(connect, 0, connect.length, 1, 0);
        d2.feed(hello, 0, 300, 2, 0);
        assertEquals(List.of("plaintext", "startTls http"), ev2.keys().subList(0, 2));
        assertEquals(2, ev2.events.get(1).frame());
    }

    @Test
    void randomBinaryAtSegmentStartsIsNotAnUpgrade() {
        java.util.Random random = new java.util.Random(7);
        RecordingEvents ev = new RecordingEvents();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), ev);
        byte[] start = "SSH-2.0-OpenSSH_9.2\r\n".getBytes();
        d.feed(start, 0, start.length, 1, 0);
        for (int i = 0; i < 1000 && d.wantsBytes(); i++) {
            byte[] seg = new byte[1 + random.nextInt(60)];
            random.nextBytes(seg);
            seg[0] = (byte) (i % 2 == 0 ? 0x16 : 0x15);
            if (seg.length > 1) {
                seg[1] = 3;
            }
            d.feed(seg, 0, seg.length, i + 2, 0);
        }
        assertEquals("plaintext", ev.keys().get(0));
        assertNull(ev.first("startTls"));
        assertFalse(ev.keys().contains("violation"));
    }

    @Test
    void aHelloAtAFeedStartWithNoMessageEndBeforeItIsNoUpgrade() {
        // the tls-stream fuzzer's finding: 17 bytes with no message end, then a ClientHello; fed
        // whole it was plaintext, cut before the hello it was an upgrade. A feed boundary is not
        // where TLS may start, a message end is.
        byte[] hello = Fixture.load("tls12-openssl-chain").stream('C');
        byte[] s = new byte[17 + 300];
        System.arraycopy(hello, 0, s, 17, 300);
        for (int[] cuts : new int[][] {{}, {17}, {7, 8, 12, 17}}) {
            RecordingEvents ev = Feeding.cuts(s, cuts, new TlsContext(TlsLimits.DEFAULT));
            assertEquals(List.of("plaintext"), ev.keys(), Arrays.toString(cuts));
            assertEquals(TlsStreamDecoder.Mode.PLAINTEXT, ev.finalMode);
        }
        assertSameAtEveryCut(s);
    }

    @Test
    void aMessageEndInsideBytesThatLookedLikeTlsIsStillACandidate() {
        byte[] hello = Fixture.load("tls12-openssl-chain").stream('C');
        int helloRecord = 5 + ((hello[3] & 0xff) << 8 | (hello[4] & 0xff));
        // after "EHLO x\r\n", 16 03 01 0a looks like a record header (length 0x0a16) until the
        // byte after it, 03, is no hello type; its 0a is a line end, and the ClientHello after it
        // is TLS, also when the bytes that looked like TLS waited for the next feed
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("EHLO x\r\n".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(new byte[] {0x16, 0x03, 0x01, 0x0a});
        b.write(hello, 0, helloRecord);
        byte[] s = b.toByteArray();
        RecordingEvents whole = assertSameAtEveryCut(s);
        assertEquals("startTls smtp", whole.keys().get(1));
        assertNotNull(whole.first("clientHello"));
        assertEquals(TlsStreamDecoder.Mode.TLS, whole.finalMode);

        // the same at the start of a direction: a line end, then a ClientHello, whose first bytes
        // keep the direction's own first probe undecided (0a 16 03 01 00 could be an SSLv2 header)
        byte[] t = new byte[1 + helloRecord];
        t[0] = '\n';
        System.arraycopy(hello, 0, t, 1, helloRecord);
        RecordingEvents start = assertSameAtEveryCut(t);
        assertEquals("startTls unknown", start.keys().get(1));
        assertNotNull(start.first("clientHello"));
    }

    @Test
    void tlsThroughASocks4Proxy() {
        Fixture f = Fixture.load("starttls-socks4");
        // the server's 8-byte reply, then its ServerHello (the client's hello was not captured)
        RecordingEvents server = Feeding.segments(f.direction('S'), new TlsContext(TlsLimits.DEFAULT));
        assertEquals(List.of("plaintext", "startTls socks"), server.keys().subList(0, 2));
        assertNotNull(server.first("serverHello"));
        assertEquals(TlsStreamDecoder.Mode.TLS, server.finalMode);
        RecordingEvents client = Feeding.segments(f.direction('C'), new TlsContext(TlsLimits.DEFAULT));
        assertEquals(List.of("plaintext"), client.keys());

        // the client's SOCKS4a request (USERID and domain name, each NUL-terminated), and a SOCKS4
        // request with an empty USERID (9 bytes), each followed by a ClientHello
        byte[] hello = Fixture.load("tls12-openssl-chain").stream('C');
        int helloRecord = 5 + ((hello[3] & 0xff) << 8 | (hello[4] & 0xff));
        byte[] request4a = f.stream('C');
        byte[] request4 = {4, 1, 0x01, (byte) 0xbb, 10, 0, 0, 2, 0};
        for (byte[] request : new byte[][] {request4a, request4}) {
            byte[] s = Arrays.copyOf(request, request.length + helloRecord);
            System.arraycopy(hello, 0, s, request.length, helloRecord);
            RecordingEvents ev = assertSameAtEveryCut(s);
            assertEquals(List.of("plaintext", "startTls socks"), ev.keys().subList(0, 2), request.length + "-byte request");
            assertNotNull(ev.first("clientHello"));
        }
    }

    @Test
    void tlsThroughASocks5ProxyWithUsernameAndPassword() {
        // RFC 1928 and RFC 1929: greeting (methods: none, username/password), auth request, CONNECT
        // request for a domain name; selection (username/password), auth status, reply (IPv4)
        byte[] hello = Fixture.load("tls12-openssl-chain").stream('C');
        byte[] serverHello = Fixture.load("tls12-openssl-chain").stream('S');
        String[][] directions = {
            {"050200020104757365720470617373" + "0501000307" + HexFormat.of().formatHex("a.b.com".getBytes()) + "01bb", "C"},
            {"0502" + "0100" + "050000017f0000010438", "S"}};
        for (String[] d : directions) {
            byte[] socks = HexFormat.of().parseHex(d[0]);
            byte[] tls = d[1].equals("C") ? hello : serverHello;
            int record = 5 + ((tls[3] & 0xff) << 8 | (tls[4] & 0xff));
            byte[] s = Arrays.copyOf(socks, socks.length + record);
            System.arraycopy(tls, 0, s, socks.length, record);
            RecordingEvents ev = assertSameAtEveryCut(s);
            assertEquals(List.of("plaintext", "startTls socks"), ev.keys().subList(0, 2), d[1]);
            assertNotNull(ev.first(d[1].equals("C") ? "clientHello" : "serverHello"), d[1]);
        }
    }

    /** Fed whole, cut once at every position, and byte by byte: the same events, mode and wantsBytes. */
    private static RecordingEvents assertSameAtEveryCut(byte[] s) {
        TlsContext context = new TlsContext(TlsLimits.DEFAULT);
        RecordingEvents whole = Feeding.cuts(s, new int[0], context);
        for (int cut = 0; cut <= s.length; cut++) {
            int[] cuts = cut == s.length ? null : new int[] {cut};
            RecordingEvents pieces = cuts == null ? Feeding.fragments(s, 1, context) : Feeding.cuts(s, cuts, context);
            String what = cuts == null ? "byte by byte" : "cut at " + cut;
            assertEquals(whole.keys(), pieces.keys(), what);
            assertEquals(whole.finalMode, pieces.finalMode, what);
            assertEquals(whole.finalWantsBytes, pieces.finalWantsBytes, what);
        }
        return whole;
    }
}
