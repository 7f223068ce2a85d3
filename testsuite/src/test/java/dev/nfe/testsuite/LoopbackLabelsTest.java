package dev.nfe.testsuite;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Real handshakes on loopback (nginx/OpenSSL 3, curl, s_client, crashing prefork workers,
 * SSLv2-format hellos), each connection labelled by the generator that made it: every outcome
 * must be right, for the 60-connection sample that ships in the repository and for the
 * 30,000-connection capture in ../shared.
 */
class LoopbackLabelsTest {

    @Test
    void bundledSampleOutcomesAreAllRight() throws Exception {
        ScoreCorpus.Score s = ScoreCorpus.run(List.of(Nfe.root().resolve("samples/loopback").toString()));
        System.out.println(s.report());
        assertEquals(60, s.total("connection found"));
        assertEquals(s.total("connection found"), s.agree("connection found"));
        assertEquals(s.total("outcome"), s.agree("outcome"), s.report());
        ScoreCorpus.assertOnlyKnownLabelQuirks(s);
    }

    @Test
    void largeCaptureOutcomesAreAllRight() throws Exception {
        Path dir = LargeCapture.dir();
        ScoreCorpus.Score s = ScoreCorpus.run(List.of(dir.toString()));
        System.out.println(s.report());
        assertEquals(30_000, s.total("connection found"));
        assertEquals(s.total("connection found"), s.agree("connection found"));
        assertEquals(s.total("outcome"), s.agree("outcome"), s.report());
        ScoreCorpus.assertOnlyKnownLabelQuirks(s);
    }
}
