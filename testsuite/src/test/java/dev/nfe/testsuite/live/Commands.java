package dev.nfe.testsuite.live;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the real programs the live tests drive (curl, openssl, nginx, ip, tcpreplay, tcpdump),
 * each with a deadline, and keeps what they printed. Also the small facts the harness needs:
 * whether we are root, a free loopback port, whether a port is listening.
 */
final class Commands {
    /** Proxy settings a test machine may have; loopback tests must never go through a proxy. */
    private static final List<String> PROXY_VARIABLES = List.of("http_proxy", "https_proxy", "all_proxy",
            "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY");

    private Commands() {
    }

    /**
     * What a finished (or timed-out) command did.
     *
     * @param exit     the exit status (128 + signal when it was killed)
     * @param timedOut true when the harness had to stop it at the deadline
     */
    record Result(List<String> command, int exit, String stdout, String stderr, Duration elapsed, boolean timedOut) {
        boolean ok() {
            return exit == 0 && !timedOut;
        }

        /** The command, how it ended and everything it printed, for assertion messages. */
        String describe() {
            return String.join(" ", command) + "\n  -> exit " + exit + (timedOut ? " (timed out)" : "")
                    + String.format(Locale.ROOT, " after %.3f s", elapsed.toNanos() / 1e9)
                    + (stdout.isEmpty() ? "" : "\n  stdout: " + stdout.strip().replace("\n", "\n          "))
                    + (stderr.isEmpty() ? "" : "\n  stderr: " + stderr.strip().replace("\n", "\n          "));
        }
    }

    /** Runs {@code command} with stdin at end of file, and waits at most {@code timeout}. */
    static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("nfe-live-out", ".txt");
        Path err = Files.createTempFile("nfe-live-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(devNull()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            withoutProxies(pb.environment());
            long t0 = System.nanoTime();
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                stop(p, Duration.ofSeconds(2));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
            return new Result(List.copyOf(command), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), elapsed, !done);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** As {@link #run}, and fails with everything the command printed unless it exited 0. */
    static Result check(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Result r = run(command, timeout);
        if (!r.ok()) {
            throw new IllegalStateException("command failed: " + r.describe());
        }
        return r;
    }

    static void withoutProxies(Map<String, String> environment) {
        PROXY_VARIABLES.forEach(environment::remove);
    }

    static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }

    /**
     * Stops a process and everything it started: SIGTERM, up to {@code grace} to exit, then SIGKILL
     * for it and for any of its descendants still alive (nginx workers, forked server workers).
     */
    static void stop(Process process, Duration grace) throws InterruptedException {
        List<ProcessHandle> family = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : family) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : family) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // reported by the caller's checks (the port is still listening, ...)
            }
        }
    }

    /** True when this JVM runs as root (the owner of /proc/self is the effective user). */
    static boolean root() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The distribution's python3 (a pyenv or venv shim on PATH can cost 200 ms per start). */
    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** A program from /usr/sbin or /sbin when PATH (a normal user's) does not hold it. */
    static String sbin(String program) {
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return program;
    }

    /** The shared data beside the repository (captures, corpus, tools). */
    static Path shared() {
        Path p = Path.of(System.getProperty("nfe.shared", "../shared")).toAbsolutePath().normalize();
        if (!Files.isDirectory(p.resolve("captures"))) {
            throw new IllegalStateException("../shared (captures, corpus, tools) not found at " + p);
        }
        return p;
    }

    /**
     * A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice from the ephemeral
     * range). Another process can take it before the caller binds it; callers retry on "address in
     * use".
     */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * True when some socket listens on TCP {@code port} (IPv4 or IPv6), read from /proc/net/tcp*
     * so that checking sends no packet (a probe connection would count as a client of the server).
     */
    static boolean listening(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st ...; st 0A is TCP_LISTEN
                if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                    return true;
                }
            }
        }
        return false;
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
