package dev.nfe.testsuite;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        Path dir = Path.of("target/loopback-large").toAbsolutePath();
        Files.createDirectories(dir);
        Path src = Nfe.shared().resolve("captures/loopback-large");
        Path pcap = dir.resolve("capture.pcap");
        if (!Files.exists(pcap) || Files.size(pcap) == 0) {
            unxz(src.resolve("capture.pcap.xz"), pcap);
        }
        Files.copy(src.resolve("labels.tsv.gz"), dir.resolve("labels.tsv.gz"), StandardCopyOption.REPLACE_EXISTING);
        ScoreCorpus.Score s = ScoreCorpus.run(List.of(dir.toString()));
        System.out.println(s.report());
        assertEquals(30_000, s.total("connection found"));
        assertEquals(s.total("connection found"), s.agree("connection found"));
        assertEquals(s.total("outcome"), s.agree("outcome"), s.report());
        ScoreCorpus.assertOnlyKnownLabelQuirks(s);
    }

    private static void unxz(Path xz, Path out) throws IOException, InterruptedException {
        Path part = out.resolveSibling(out.getFileName() + ".part");
        Process p = new ProcessBuilder("xz", "-dc", xz.toString()).redirectOutput(part.toFile()).start();
        try (InputStream err = p.getErrorStream(); OutputStream ignored = OutputStream.nullOutputStream()) {
            err.transferTo(ignored);
        }
        assertEquals(0, p.waitFor(), "xz -dc " + xz);
        Files.move(part, out, StandardCopyOption.REPLACE_EXISTING);
    }
}
