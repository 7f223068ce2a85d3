package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent as an unprivileged user (nobody) with only CAP_NET_RAW and CAP_NET_ADMIN as ambient
 * capabilities, the way deploy/systemd runs it: it captures; without them it stops at once with
 * a message that says what it needs.
 */
class LeastPrivilegeTest {
    /** CAP_NET_ADMIN is bit 12, CAP_NET_RAW bit 13. */
    private static final String CAP_EFF = "0000000000003000";

    @Test
    void capturesAsNobodyWithOnlyTheTwoCapabilitiesAndRefusesWithoutThem() throws Exception {
        assumeTrue(LiveEnv.root(), "needs root to drop to nobody");
        Path jar = Nfe.root().resolve("pipeline/target/nfe.jar");
        assumeTrue(Files.isReadable(jar), "needs the packaged jar (mvn package)");
        Path dir = Files.createTempDirectory("nfe-least-privilege");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free now; nothing listens on it during the test
        }
        Path out = dir.resolve("out.jsonl");
        Path log = dir.resolve("agent.log");
        Process agent = new ProcessBuilder(agent(jar, "+net_raw,+net_admin", port, out)).redirectOutput(
                ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile()).start();
        try {
            LiveEnv.awaitLog(log, "capturing on lo", 60);
            String status = Files.readString(Path.of("/proc/" + agent.pid() + "/status"));
            assertTrue(status.contains("CapEff:\t" + CAP_EFF), status);
            assertTrue(status.matches("(?s).*\\nUid:\\t65534\\t65534\\t65534\\t65534\\n.*"), status);
            for (int i = 0; i < 3; i++) {
                try (Socket c = new Socket()) {
                    c.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                } catch (ConnectException refused) {
                    // the RST the agent must see
                }
            }
            Thread.sleep(500);
        } finally {
            agent.destroy();
        }
        assertTrue(agent.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, agent.exitValue(), Files.readString(log));
        long refused = 0;
        for (JsonNode n : LiveEnv.jsonLines(out)) {
            if (n.path("record").asText().equals("session") && n.path("server").asText().equals("127.0.0.1:" + port)) {
                assertEquals("CONNECTION_REFUSED", n.path("outcome").asText(), n.toString());
                refused++;
            }
        }
        assertEquals(3, refused);

        Nfe.Run denied = Nfe.exec(agent(jar, "-all", port, dir.resolve("denied.jsonl")), 120);
        assertEquals(2, denied.exit(), denied.stderr());
        assertTrue(denied.stderr().contains("CAP_NET_RAW and CAP_NET_ADMIN"), denied.stderr());
    }

    private static List<String> agent(Path jar, String caps, int port, Path out) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=" + caps));
        if (!caps.equals("-all")) {
            cmd.add("--ambient-caps=" + caps);
        }
        cmd.addAll(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", jar.toString(),
                "dev.nfe.pipeline.cli.Nfe", "agent", "--interface", "lo", "--filter", "tcp port " + port,
                "--sessions", "--format", "jsonl", "--out", out.toString()));
        return cmd;
    }
}
