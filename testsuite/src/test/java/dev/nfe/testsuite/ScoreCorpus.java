package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs ../shared/tools/score-corpus (the independent scorer) against nfe and reads its counts. */
final class ScoreCorpus {
    private ScoreCorpus() {
    }

    record Score(double rate, JsonNode agree, JsonNode total, JsonNode diffs, String report) {
        long agree(String field) {
            return agree.path(field).asLong(0);
        }

        long total(String field) {
            return total.path(field).asLong(0);
        }
    }

    /**
     * The generator's labels write {@code sni=none} for a hello sent without SNI, and the scorer
     * compares that literally with the session's {@code sni}, which the contract makes null. That
     * is the only disagreement allowed on labelled captures; anything else fails.
     */
    static void assertOnlyKnownLabelQuirks(Score s) {
        java.util.Iterator<String> fields = s.diffs().fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            for (JsonNode d : s.diffs().path(field)) {
                boolean noSni = field.equals("client_hello.sni") && d.path("want").asText().equals("none")
                        && d.path("got").isNull();
                org.junit.jupiter.api.Assertions.assertTrue(noSni, "unexpected disagreement in " + field + ": " + d);
            }
        }
    }

    static Score run(List<String> paths) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--nfe", Nfe.commandLine()));
        args.addAll(paths);
        return score(args);
    }

    /** Scores session records written elsewhere (a live agent's file) against {@code capture}'s labels. */
    static Score sessionsFrom(Path sessions, Path capture) throws IOException, InterruptedException {
        return score(List.of("--sessions-from", sessions.toString(), capture.toString()));
    }

    private static Score score(List<String> args) throws IOException, InterruptedException {
        Path json = Files.createTempFile("score", ".json");
        try {
            List<String> cmd = new ArrayList<>(List.of("python3",
                    Nfe.shared().resolve("tools/score-corpus").toString(), "--json", json.toString(), "--show", "20"));
            cmd.addAll(args);
            Nfe.Run r = Nfe.exec(cmd, 900);
            if (r.exit() != 0) {
                throw new IllegalStateException("score-corpus failed (" + r.exit() + "): " + r.stderr() + r.stdout());
            }
            JsonNode n = new ObjectMapper().readTree(json.toFile());
            return new Score(n.path("rate").asDouble(), n.path("agree"), n.path("total"), n.path("diffs"), r.stdout());
        } finally {
            Files.deleteIfExists(json);
        }
    }
}
