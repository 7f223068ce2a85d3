package dev.nfe.testsuite.live;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Real TLS clients, one connection per call, each from a client port chosen here, so a test knows
 * the connection's 4-tuple before it looks at a capture or at nfe's output:
 * <ul>
 *   <li>{@code curl -k} ({@code --local-port}, pinned to one TLS version, {@code --noproxy '*'},
 *       connect and total timeouts), GET /;</li>
 *   <li>{@code openssl s_client} ({@code -bind 127.0.0.1:PORT}, OpenSSL 3.0 and later; pinned to
 *       one version), stdin at end of file, so it closes right after the handshake.</li>
 * </ul>
 * Clients run without proxy variables in their environment. A client port that turns out to be
 * taken when the client binds it (another process got it first) is replaced and the client run
 * again.
 */
final class Clients {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** curl: "Failed binding local connection end" (45) means the chosen port was taken. */
    private static final int CURL_BIND_FAILED = 45;
    private static final int ATTEMPTS = 3;
    private static Boolean sClientBind;

    private Clients() {
    }

    /**
     * One client connection.
     *
     * @param client the client's address and port ({@code null} only for s_client without -bind)
     * @param run    the process: exit status, stdout, stderr, duration
     */
    record Result(String tool, InetSocketAddress client, InetSocketAddress server, Commands.Result run) {
        int exit() {
            return run.exit();
        }

        boolean ok() {
            return run.ok();
        }

        String stdout() {
            return run.stdout();
        }

        String stderr() {
            return run.stderr();
        }

        /** {@code 127.0.0.1:PORT} of the client side. */
        String clientEndpoint() {
            return client == null ? null : client.getAddress().getHostAddress() + ":" + client.getPort();
        }

        String describe() {
            return tool + " " + clientEndpoint() + " -> " + server.getAddress().getHostAddress() + ":"
                    + server.getPort() + ": " + run.describe();
        }
    }

    static Result curl(InetSocketAddress server, TlsVersion version) throws IOException, InterruptedException {
        return curl(server, version, DEFAULT_TIMEOUT);
    }

    /**
     * {@code curl -sS -k} GET https://SERVER/ allowing {@code version} only; the body is stdout.
     * Exit 0 is success; 35 (handshake failed) or 56 (receive failed) is what a reset gives.
     */
    static Result curl(InetSocketAddress server, TlsVersion version, Duration timeout)
            throws IOException, InterruptedException {
        Result r = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            InetSocketAddress client = new InetSocketAddress("127.0.0.1", Commands.freePort());
            List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-k", "--noproxy", "*",
                    "--local-port", Integer.toString(client.getPort()),
                    "--connect-timeout", seconds(timeout), "--max-time", seconds(timeout)));
            cmd.addAll(version.curlOptions);
            cmd.add("https://" + host(server) + ":" + server.getPort() + "/");
            r = new Result("curl", client, server, Commands.run(cmd, timeout.plusSeconds(5)));
            if (r.exit() != CURL_BIND_FAILED) {
                return r;
            }
        }
        return r;
    }

    static Result sClient(InetSocketAddress server, TlsVersion version) throws IOException, InterruptedException {
        return sClient(server, version, DEFAULT_TIMEOUT);
    }

    /**
     * {@code openssl s_client} to SERVER allowing {@code version} only, with stdin at end of file:
     * it completes the handshake, prints the session and exits (0), or reports why not (exit 1,
     * e.g. {@code errno=104} after a reset, {@code alert protocol version}). s_client has no
     * timeout of its own: after {@code timeout} it is stopped ({@link Commands.Result#timedOut()}).
     */
    static Result sClient(InetSocketAddress server, TlsVersion version, Duration timeout)
            throws IOException, InterruptedException {
        Result r = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            InetSocketAddress client = sClientCanBind() ? new InetSocketAddress("127.0.0.1", Commands.freePort()) : null;
            List<String> cmd = new ArrayList<>(List.of("openssl", "s_client",
                    "-connect", host(server) + ":" + server.getPort()));
            if (client != null) {
                cmd.addAll(List.of("-bind", "127.0.0.1:" + client.getPort()));
            }
            cmd.add(version.opensslOption);
            r = new Result("s_client", client, server, Commands.run(cmd, timeout));
            if (r.ok() || !(r.stdout() + r.stderr()).contains("Address already in use")) {
                return r;
            }
        }
        return r;
    }

    /** True when this openssl's s_client has {@code -bind} (OpenSSL 3.0 and later). */
    static synchronized boolean sClientCanBind() throws IOException, InterruptedException {
        if (sClientBind == null) {
            Commands.Result help = Commands.run(List.of("openssl", "s_client", "-help"), Duration.ofSeconds(10));
            sClientBind = (help.stdout() + help.stderr()).contains("-bind");
        }
        return sClientBind;
    }

    private static String host(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    }

    private static String seconds(Duration d) {
        return Long.toString(Math.max(1, d.toSeconds()));
    }
}
