package dev.nfe.testsuite.live;

import dev.nfe.dissect.report.Outcome;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real TLS servers on 127.0.0.1, each on a free port, with everything they write (key and
 * certificate, configuration, logs, pid files) in one temporary directory; {@link #close()} stops
 * every server started here and deletes the directory.
 *
 * <ul>
 *   <li>{@link Kind#OPENSSL_TLS13} and {@link Kind#OPENSSL_TLS12}: {@code openssl s_server -www}
 *       allowing one TLS version only, with a key and self-signed certificate made for this
 *       instance ({@code openssl req -x509}, P-256, CN and SAN localhost / 127.0.0.1);</li>
 *   <li>{@link Kind#NGINX}: nginx with a generated configuration (TLS 1.2 and 1.3, {@code 200 ok}
 *       on every path), in the foreground ({@code daemon off;}) so that this JVM owns the master
 *       process; its access log records {@code $remote_port} and {@code $ssl_protocol};</li>
 *   <li>{@link Kind#CRASH_SEGV} and {@link Kind#CLOSE_UNREAD}: {@code crash_server.py} (beside this
 *       class), which resets every connection right after the ClientHello: a prefork worker that
 *       dies of SIGSEGV with the hello unread, or a close() with the hello unread. Either way the
 *       kernel answers with a RST, which is how a crashing TLS worker looks on the wire.</li>
 * </ul>
 *
 * Readiness is read from /proc/net/tcp, never probed with a connection, so a capture running
 * during a test sees only the test's own connections. Starting needs no root; as root, nginx's
 * workers run as {@code nobody}.
 */
final class LoopbackServers implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Pattern S_SERVER_ACCEPT = Pattern.compile("(?m)^ACCEPT 127\\.0\\.0\\.1:(\\d+)$");
    private static final Pattern CRASH_LISTENING = Pattern.compile("(?m)^listening 127\\.0\\.0\\.1:(\\d+)$");

    enum Kind {
        OPENSSL_TLS13(EnumSet.of(TlsVersion.TLS_1_3), Outcome.COMPLETED),
        OPENSSL_TLS12(EnumSet.of(TlsVersion.TLS_1_2), Outcome.COMPLETED),
        NGINX(EnumSet.of(TlsVersion.TLS_1_2, TlsVersion.TLS_1_3), Outcome.COMPLETED),
        CRASH_SEGV(EnumSet.noneOf(TlsVersion.class), Outcome.RESET_AFTER_CLIENT_HELLO),
        CLOSE_UNREAD(EnumSet.noneOf(TlsVersion.class), Outcome.RESET_AFTER_CLIENT_HELLO);

        /** The versions whose handshakes this server completes (none: it never answers). */
        final Set<TlsVersion> versions;
        /** The outcome of a connection from a client offering one of {@link #versions}. */
        final Outcome expected;

        Kind(Set<TlsVersion> versions, Outcome expected) {
            this.versions = versions;
            this.expected = expected;
        }
    }

    /**
     * One running server.
     *
     * @param address 127.0.0.1 and the port it listens on
     * @param log     its stdout and stderr (nginx: the error log; the access log is {@link #accessLog})
     */
    record Server(Kind kind, InetSocketAddress address, Process process, Path log, Path accessLog) {
        int port() {
            return address.getPort();
        }

        /** {@code 127.0.0.1:PORT}, as nfe prints endpoints. */
        String endpoint() {
            return address.getAddress().getHostAddress() + ":" + address.getPort();
        }

        /** What nfe should say about a connection from a client that allows {@code client} only. */
        Outcome expectedFor(TlsVersion client) {
            if (kind.versions.isEmpty() || kind.versions.contains(client)) {
                return kind.expected;
            }
            return Outcome.SERVER_ALERT; // protocol_version, before any handshake byte from the server
        }

        String logText() throws IOException {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        }

        String accessLogText() throws IOException {
            return accessLog != null && Files.exists(accessLog) ? Files.readString(accessLog, StandardCharsets.UTF_8) : "";
        }
    }

    private final Path dir;
    private final List<Server> servers = new ArrayList<>();
    private Path certificate;
    private Path key;
    private int started;

    LoopbackServers() throws IOException {
        dir = Files.createTempDirectory("nfe-live-servers");
    }

    Path directory() {
        return dir;
    }

    List<Server> servers() {
        return List.copyOf(servers);
    }

    Server start(Kind kind) throws IOException, InterruptedException {
        Server s = switch (kind) {
            case OPENSSL_TLS13 -> sServer(kind, TlsVersion.TLS_1_3);
            case OPENSSL_TLS12 -> sServer(kind, TlsVersion.TLS_1_2);
            case NGINX -> nginx();
            case CRASH_SEGV -> crashServer(kind, "segv");
            case CLOSE_UNREAD -> crashServer(kind, "close");
        };
        servers.add(s);
        return s;
    }

    /** The self-signed certificate every TLS server here presents (PEM). */
    Path certificate() throws IOException, InterruptedException {
        if (certificate == null) {
            Path crt = dir.resolve("server.crt");
            Path k = dir.resolve("server.key");
            Commands.check(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-sha256", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", k.toString(), "-out", crt.toString()), Duration.ofSeconds(30));
            certificate = crt;
            key = k;
        }
        return certificate;
    }

    private Server sServer(Kind kind, TlsVersion only) throws IOException, InterruptedException {
        Path crt = certificate();
        Path log = dir.resolve("s_server-" + only.name() + "-" + (++started) + ".log");
        // port 0: the kernel picks a free port and s_server prints it ("ACCEPT 127.0.0.1:PORT")
        Process p = spawn(List.of("openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", crt.toString(),
                "-key", key.toString(), only.opensslOption, "-www"), log);
        int port = awaitPort(p, log, S_SERVER_ACCEPT);
        return new Server(kind, new InetSocketAddress("127.0.0.1", port), p, log, null);
    }

    private Server crashServer(Kind kind, String mode) throws IOException, InterruptedException {
        Path script = dir.resolve("crash_server.py");
        if (!Files.exists(script)) {
            try (InputStream in = LoopbackServers.class.getResourceAsStream("crash_server.py")) {
                if (in == null) {
                    throw new IllegalStateException("crash_server.py is missing from the test resources");
                }
                Files.copy(in, script);
            }
        }
        Path log = dir.resolve("crash-" + mode + "-" + (++started) + ".log");
        Process p = spawn(List.of(Commands.python(), script.toString(), "--mode", mode), log);
        int port = awaitPort(p, log, CRASH_LISTENING);
        return new Server(kind, new InetSocketAddress("127.0.0.1", port), p, log, null);
    }

    private Server nginx() throws IOException, InterruptedException {
        certificate();
        IOException last = null;
        // nginx cannot take port 0 and report it; a port picked here may be taken meanwhile: retry
        for (int attempt = 0; attempt < 5; attempt++) {
            Path home = dir.resolve("nginx-" + (++started));
            Files.createDirectories(home.resolve("tmp"));
            int port = Commands.freePort();
            Path conf = home.resolve("nginx.conf");
            Files.writeString(conf, nginxConf(home, port), StandardCharsets.UTF_8);
            Path log = home.resolve("error.log");
            // -e: the error log before the configuration is read (the default, /var/log/nginx, is
            // not ours and not writable without root); -p: the prefix for relative paths
            Process p = spawn(List.of(Commands.sbin("nginx"), "-p", home.toString(), "-c", conf.toString(),
                    "-e", log.toString()), home.resolve("nginx.out"));
            try {
                awaitListening(p, port, log);
                return new Server(Kind.NGINX, new InetSocketAddress("127.0.0.1", port), p, log,
                        home.resolve("access.log"));
            } catch (IOException e) {
                Commands.stop(p, STOP_GRACE);
                if (!Files.exists(log) || !Files.readString(log).contains("Address already in use")) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private String nginxConf(Path home, int port) {
        String user = Commands.root() ? "user nobody nogroup;\n" : "";
        return "# generated by the nfe testsuite (LoopbackServers): loopback only\n"
                + user
                + "daemon off;\n"
                + "worker_processes 1;\n"
                + "pid " + home.resolve("nginx.pid") + ";\n"
                + "error_log " + home.resolve("error.log") + " info;\n"
                + "events { worker_connections 256; }\n"
                + "http {\n"
                + "    log_format nfe '$remote_addr $remote_port $server_port $ssl_protocol $ssl_cipher $status';\n"
                + "    access_log " + home.resolve("access.log") + " nfe;\n"
                + "    client_body_temp_path " + home.resolve("tmp/body") + ";\n"
                + "    proxy_temp_path " + home.resolve("tmp/proxy") + ";\n"
                + "    fastcgi_temp_path " + home.resolve("tmp/fastcgi") + ";\n"
                + "    uwsgi_temp_path " + home.resolve("tmp/uwsgi") + ";\n"
                + "    scgi_temp_path " + home.resolve("tmp/scgi") + ";\n"
                + "    default_type text/plain;\n"
                + "    keepalive_timeout 5s;\n"
                + "    server {\n"
                + "        listen 127.0.0.1:" + port + " ssl;\n"
                + "        ssl_protocols TLSv1.2 TLSv1.3;\n" // nginx 1.22's default lacks TLSv1.3
                + "        ssl_certificate " + certificate + ";\n"
                + "        ssl_certificate_key " + key + ";\n"
                + "        location / { return 200 \"ok\\n\"; }\n"
                + "    }\n"
                + "}\n";
    }

    private static Process spawn(List<String> command, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Commands.devNull()));
        Commands.withoutProxies(pb.environment());
        return pb.start();
    }

    /** Waits until the server printed its port and listens on it. */
    private static int awaitPort(Process p, Path log, Pattern line) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                int port = Integer.parseInt(m.group(1));
                awaitListening(p, port, log);
                return port;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        Commands.stop(p, STOP_GRACE);
        throw new IOException("no port from " + p.info().commandLine().orElse("server") + ":\n"
                + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static void awaitListening(Process p, int port, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Commands.listening(port)) {
                return;
            }
            Thread.sleep(20);
        }
        String why = p.isAlive() ? "not listening on " + port + " after " + START_TIMEOUT.toSeconds() + " s"
                : "exited with status " + p.exitValue();
        throw new IOException(p.info().commandLine().orElse("server") + ": " + why + "\n"
                + (Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : ""));
    }

    /** Stops every server started here (and their workers), then deletes the directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        for (Server s : servers) {
            Commands.stop(s.process(), STOP_GRACE);
        }
        List<String> still = new ArrayList<>();
        for (Server s : servers) {
            if (s.process().isAlive() || s.process().descendants().findAny().isPresent()) {
                still.add(s.kind() + " " + s.endpoint());
            }
        }
        servers.clear();
        Commands.deleteTree(dir);
        if (!still.isEmpty()) {
            throw new IllegalStateException("servers still running after close: " + still);
        }
    }

    /** How long a stopped server may take to free its port (nginx workers exit after the master). */
    static boolean awaitPortFree(int port, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Commands.listening(port)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return true;
    }
}
