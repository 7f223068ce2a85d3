package dev.nfe.testsuite;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A broker run by the real {@code deploy/kafka/start} and {@code stop} scripts, as a separate
 * process, with its own data directory and free ports, so tests can stop and restart it.
 */
final class DeployedKafka implements AutoCloseable {
    record Run(String command, int exit, String output, String logTail) {
        String describe() {
            return command + " exited " + exit + ":\n" + output + logTail;
        }
    }

    final Path data;
    final int port;
    final int controllerPort;

    DeployedKafka() throws IOException {
        data = Files.createTempDirectory("nfe-deploy-kafka-test");
        port = freePort();
        int c;
        do {
            c = freePort();
        } while (c == port);
        controllerPort = c;
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    Run script(String name) throws IOException, InterruptedException {
        Path out = Files.createTempFile("nfe-deploy-kafka", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(Nfe.root().resolve("deploy/kafka/" + name).toString())
                    .directory(Nfe.root().toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
            Map<String, String> env = pb.environment();
            env.put("NFE_KAFKA_DATA", data.toString());
            env.put("NFE_KAFKA_PORT", Integer.toString(port));
            env.put("NFE_KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort));
            // a test broker holds little: keep it small next to the other test JVMs
            env.put("NFE_KAFKA_HEAP_OPTS", "-Xms128m -Xmx512m");
            // a restart under load (agent, dissector and incidents app all reconnecting) once took over
            // 60 s in CI to log its start after it already answered; the wait below bounds it anyway
            env.put("NFE_KAFKA_START_TIMEOUT", "180");
            Process p = pb.start();
            // a first start on a machine without the jars in ~/.m2 downloads them: allow for it
            if (!p.waitFor(240, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(name, -1, "timed out after 240 s\n" + Files.readString(out), logTail());
            }
            return new Run(name, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), logTail());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The end of the broker's logs, for failure messages. */
    String logTail() {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("kafka.out", "server.log")) {
            Path p = data.resolve(f);
            try {
                if (Files.size(p) == 0) {
                    continue;
                }
                List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                sb.append("\n---- last lines of ").append(p).append(" ----\n");
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> sb.append(l).append('\n'));
            } catch (IOException e) {
                // not written (yet): nothing to show
            }
        }
        return sb.toString();
    }

    boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the broker (always: it is detached and would outlive the JVM) and deletes its data. */
    @Override
    public void close() throws IOException, InterruptedException {
        Run r = script("stop");
        try (Stream<Path> all = Files.walk(data)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        if (r.exit() != 0) {
            throw new IllegalStateException(r.describe());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
