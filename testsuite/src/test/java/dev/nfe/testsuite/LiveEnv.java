package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the live tests share: root check, waiting for a log line, reading JSON lines. */
public final class LiveEnv {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LiveEnv() {
    }

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Waits until {@code log} contains {@code text}; fails after {@code seconds}. */
    public static void awaitLog(Path log, String text, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in " + log + " after " + seconds + " s:\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    /** The packets a replay sent, which must be all of them (none above the MTU, say). */
    static long sentAll(dev.nfe.testsuite.live.NetnsVeth.Replay r) {
        org.junit.jupiter.api.Assertions.assertEquals(0, r.failed(), "tcpreplay could not send some packets: " + r);
        return r.packets();
    }

    /** Every line of {@code file} as JSON; a line that is not JSON fails the test. */
    static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }
}
