package dev.nfe.testsuite.live;

import dev.nfe.capture.Endpoint;
import dev.nfe.capture.TcpSegment;
import dev.nfe.dissect.report.Outcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * curl and openssl s_client against the loopback servers: handshakes that complete, a version
 * the server refuses, and the crashing servers' RST right after the ClientHello, checked on the
 * wire with tcpdump (that part needs root).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClientsTest {
    private LoopbackServers servers;

    @BeforeAll
    void start() throws Exception {
        servers = new LoopbackServers();
    }

    @AfterAll
    void stop() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void curlCompletesTls12AndTls13WithNginxFromTheChosenPort() throws Exception {
        LoopbackServers.Server nginx = servers.start(LoopbackServers.Kind.NGINX);
        for (TlsVersion v : TlsVersion.values()) {
            Clients.Result r = Clients.curl(nginx.address(), v);
            assertTrue(r.ok(), r.describe());
            assertEquals("ok\n", r.stdout(), r.describe());
            // nginx saw the client port we chose and the version we pinned
            String line = "127.0.0.1 " + r.client().getPort() + " " + nginx.port() + " " + v.protocol + " ";
            String access = nginx.accessLogText();
            assertTrue(access.lines().anyMatch(l -> l.startsWith(line) && l.endsWith(" 200")),
                    "no '" + line + "... 200' in nginx's access log:\n" + access);
        }
    }

    @Test
    void sClientCompletesWithTheOpensslServerOfItsVersionOnly() throws Exception {
        LoopbackServers.Server tls13 = servers.start(LoopbackServers.Kind.OPENSSL_TLS13);
        LoopbackServers.Server tls12 = servers.start(LoopbackServers.Kind.OPENSSL_TLS12);
        assertTrue(Clients.sClientCanBind(), "this openssl's s_client has no -bind (OpenSSL 3.0 has)");

        Clients.Result ok13 = Clients.sClient(tls13.address(), TlsVersion.TLS_1_3);
        assertTrue(ok13.ok(), ok13.describe());
        assertTrue(ok13.stdout().contains("New, TLSv1.3, Cipher is"), ok13.describe());
        assertNotNull(ok13.client());
        Clients.Result ok12 = Clients.sClient(tls12.address(), TlsVersion.TLS_1_2);
        assertTrue(ok12.ok(), ok12.describe());
        assertTrue(ok12.stdout().contains("New, TLSv1.2, Cipher is"), ok12.describe());

        // the other version: the server refuses with a protocol_version alert
        for (Map.Entry<LoopbackServers.Server, TlsVersion> other
                : Map.of(tls13, TlsVersion.TLS_1_2, tls12, TlsVersion.TLS_1_3).entrySet()) {
            LoopbackServers.Server s = other.getKey();
            TlsVersion v = other.getValue();
            Clients.Result refused = Clients.sClient(s.address(), v);
            assertEquals(1, refused.exit(), refused.describe());
            assertTrue((refused.stdout() + refused.stderr()).contains("alert protocol version"), refused.describe());
            assertEquals(Outcome.SERVER_ALERT, s.expectedFor(v));
        }

        // curl completes with them too (s_server -www answers GET with a status page)
        Clients.Result curl = Clients.curl(tls13.address(), TlsVersion.TLS_1_3);
        assertTrue(curl.ok() && curl.stdout().contains("<HTML>") && curl.stdout().contains("s_server -accept"),
                curl.describe());
    }

    @Test
    void theCrashingServersResetRightAfterTheClientHello() throws Exception {
        assumeTrue(Commands.root(), "tcpdump on lo needs root");
        List<LoopbackServers.Server> crashing = List.of(servers.start(LoopbackServers.Kind.CRASH_SEGV),
                servers.start(LoopbackServers.Kind.CLOSE_UNREAD));
        Path pcap = servers.directory().resolve("crashing.pcap");
        Map<LoopbackServers.Server, List<Clients.Result>> clients = new LinkedHashMap<>();
        try (Tcpdump dump = Tcpdump.start("lo", "tcp port " + crashing.get(0).port() + " or tcp port "
                + crashing.get(1).port(), pcap)) {
            for (LoopbackServers.Server server : crashing) {
                clients.put(server, List.of(Clients.curl(server.address(), TlsVersion.TLS_1_3),
                        Clients.sClient(server.address(), TlsVersion.TLS_1_2)));
            }
            Tcpdump.Stats stats = dump.stop();
            assertEquals(0, stats.dropped(), stats.stderr());
        }
        List<TcpSegment> segments = Tcpdump.segments(pcap);
        for (LoopbackServers.Server server : crashing) {
            assertEquals(Outcome.RESET_AFTER_CLIENT_HELLO, server.expectedFor(TlsVersion.TLS_1_3));
            Clients.Result curl = clients.get(server).get(0);
            Clients.Result sClient = clients.get(server).get(1);
            assertTrue(curl.exit() == 35 || curl.exit() == 56, "curl should fail with a reset: " + curl.describe());
            assertTrue(curl.stderr().contains("Connection reset by peer"), curl.describe());
            assertEquals(1, sClient.exit(), sClient.describe());
            assertTrue((sClient.stdout() + sClient.stderr()).contains("errno=104"), sClient.describe()); // ECONNRESET
            for (Clients.Result client : List.of(curl, sClient)) {
                assertResetByServerAfterHello(segments, Endpoint.parse(client.clientEndpoint()),
                        Endpoint.parse(server.endpoint()), server.kind() + " " + client.tool());
            }
            String log = server.logText();
            if (server.kind() == LoopbackServers.Kind.CRASH_SEGV) {
                assertEquals(2, log.lines().filter(l -> l.endsWith("killed by SIGSEGV")).count(), log);
            } else {
                assertTrue(log.contains("closed " + curl.clientEndpoint() + " with "), log);
                assertFalse(log.contains(" with 0 bytes unread"), log);
            }
        }
    }

    /**
     * The connection client-server in {@code segments}: a ClientHello from the client, then a RST
     * from the server with no payload and no FIN from the server before it.
     */
    private static void assertResetByServerAfterHello(List<TcpSegment> segments, Endpoint client, Endpoint server,
                                                      String what) {
        List<TcpSegment> conn = segments.stream().filter(s -> (s.src().equals(client) && s.dst().equals(server))
                || (s.src().equals(server) && s.dst().equals(client))).toList();
        String trace = what + ": " + client + " <-> " + server + "\n" + String.join("\n",
                conn.stream().map(TcpSegment::toString).toList());
        int hello = -1;
        for (int i = 0; i < conn.size() && hello < 0; i++) {
            TcpSegment s = conn.get(i);
            if (s.src().equals(client) && s.payload().length() > 5 && s.payload().get(0) == 0x16 && s.payload().get(5) == 0x01) {
                hello = i;
            }
        }
        assertTrue(hello >= 0, "no ClientHello from the client in the capture: " + trace);
        assertTrue(conn.get(0).syn() && conn.get(0).src().equals(client), "the client's SYN is missing: " + trace);
        for (int i = hello + 1; i < conn.size(); i++) {
            TcpSegment s = conn.get(i);
            if (!s.src().equals(server)) {
                continue;
            }
            assertEquals(0, s.payloadLength(), "the server sent bytes before its RST: " + trace);
            assertFalse(s.fin(), "the server sent a FIN before (or instead of) a RST: " + trace);
            if (s.rst()) {
                return;
            }
        }
        throw new AssertionError("no RST from the server after the ClientHello: " + trace);
    }

    @Test
    void clientsDoNotOutliveTheirTimeout() throws Exception {
        // a listener that never answers (the kernel completes the handshake from its backlog):
        // s_client would wait for a ServerHello forever without the deadline
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", silent.getLocalPort());
            Clients.Result s = Clients.sClient(address, TlsVersion.TLS_1_3, Duration.ofSeconds(1));
            assertTrue(s.run().timedOut(), s.describe());
            Clients.Result c = Clients.curl(address, TlsVersion.TLS_1_3, Duration.ofSeconds(1));
            assertEquals(28, c.exit(), c.describe()); // curl's own timeout
            assertTrue(c.run().elapsed().compareTo(Duration.ofSeconds(3)) < 0, c.describe());
        }
    }
}
