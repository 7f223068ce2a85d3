package dev.nfe.testsuite.live;

import dev.nfe.dissect.report.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of loopback server starts, listens where it says, and is gone after close(). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LoopbackServersTest {

    @Test
    void everyKindListensOnLoopbackAndCloseStopsThemAll() throws Exception {
        List<LoopbackServers.Server> started = new ArrayList<>();
        List<ProcessHandle> processes = new ArrayList<>();
        Path dir;
        try (LoopbackServers servers = new LoopbackServers()) {
            dir = servers.directory();
            for (LoopbackServers.Kind kind : LoopbackServers.Kind.values()) {
                LoopbackServers.Server s = servers.start(kind);
                started.add(s);
                assertEquals("127.0.0.1", s.address().getAddress().getHostAddress(), kind.name());
                assertTrue(s.port() > 0 && Commands.listening(s.port()), kind + " does not listen on " + s.port()
                        + ":\n" + s.logText());
                assertTrue(s.process().isAlive(), kind + " exited:\n" + s.logText());
                processes.add(s.process().toHandle());
                processes.addAll(s.process().descendants().toList());
            }
            // nginx's master has its worker; the prefork server its two workers
            assertTrue(started.get(LoopbackServers.Kind.NGINX.ordinal()).process().descendants().findAny().isPresent(),
                    "nginx has no worker process");
            assertEquals(2, started.get(LoopbackServers.Kind.CRASH_SEGV.ordinal()).process().children().count(),
                    "the prefork server's workers");
            assertEquals(started.size(), started.stream().mapToInt(LoopbackServers.Server::port).distinct().count(),
                    "every server has a port of its own: " + started);
            assertEquals(servers.servers(), started);
            assertTrue(Files.isRegularFile(servers.certificate()));
        }
        for (ProcessHandle h : processes) {
            assertFalse(h.isAlive(), "still running after close: " + h.pid() + " " + h.info().commandLine().orElse(""));
        }
        for (LoopbackServers.Server s : started) {
            assertTrue(LoopbackServers.awaitPortFree(s.port(), Duration.ofSeconds(5)), s.kind() + " port " + s.port()
                    + " still listening after close");
        }
        assertFalse(Files.exists(dir), "the temporary directory is left: " + dir);
    }

    @Test
    void serversSayWhatAClientShouldGet() throws Exception {
        try (LoopbackServers servers = new LoopbackServers()) {
            LoopbackServers.Server tls13 = servers.start(LoopbackServers.Kind.OPENSSL_TLS13);
            LoopbackServers.Server crash = servers.start(LoopbackServers.Kind.CLOSE_UNREAD);
            LoopbackServers.Server nginx = servers.start(LoopbackServers.Kind.NGINX);
            assertEquals(Outcome.COMPLETED, tls13.expectedFor(TlsVersion.TLS_1_3));
            assertEquals(Outcome.SERVER_ALERT, tls13.expectedFor(TlsVersion.TLS_1_2));
            assertEquals(Outcome.RESET_AFTER_CLIENT_HELLO, crash.expectedFor(TlsVersion.TLS_1_2));
            assertEquals(Outcome.RESET_AFTER_CLIENT_HELLO, crash.expectedFor(TlsVersion.TLS_1_3));
            for (TlsVersion v : TlsVersion.values()) {
                assertEquals(Outcome.COMPLETED, nginx.expectedFor(v));
            }
            assertEquals("127.0.0.1:" + nginx.port(), nginx.endpoint());
        }
    }
}
