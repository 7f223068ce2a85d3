package dev.nfe.pipeline.evidence;

import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.pipeline.output.OutputSpec;
import dev.nfe.pipeline.output.Outputs;
import dev.nfe.pipeline.replay.ProgressListener;
import dev.nfe.pipeline.replay.ReplayEngine;
import dev.nfe.pipeline.replay.ReplayOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The evidence is cut from the captures by frame number in a second pass, so a capture that
 * changed after its size and time were taken (a file still being written, or replaced) gets no
 * evidence and a message that says why; nothing is left behind in DIR. The change is made between
 * taking the stamps and the run: the same as a change between the passes, without a race.
 */
class ChangedCaptureTest {
    private static final Path SAMPLE = Path.of(System.getProperty("nfe.root", "..")).toAbsolutePath().normalize()
            .resolve("samples/loopback/capture.pcap");

    @TempDir
    Path dir;

    private EvidenceLedger run(Path capture, Path evidence, Runnable change) throws Exception {
        Files.createDirectories(evidence);
        EvidenceSpec spec = EvidenceSpec.of(evidence, List.of(capture.toString()), Set.of(),
                EvidenceSpec.DEFAULT_MAX_CONNECTIONS, EvidenceSpec.DEFAULT_MAX_FRAMES);
        change.run();
        ReplayEngine engine = new ReplayEngine(ReplayOptions.defaults(2, DissectorConfig.defaults(""), CaptureFiles::open),
                ProgressListener.NONE);
        OutputSpec out = new OutputSpec(OutputSpec.Format.JSONL, false, dir.resolve("out.jsonl").toString(), false, false)
                .withEvidence(spec);
        try (Outputs outputs = Outputs.open(out)) {
            engine.run(List.of(capture.toString()), outputs.sink());
            return outputs.evidence();
        }
    }

    @Test
    void unchangedTheEvidenceIsWritten() throws Exception {
        Path copy = Files.copy(SAMPLE, dir.resolve("c.pcap"));
        EvidenceLedger ledger = run(copy, dir.resolve("ev"), () -> { });
        assertEquals(List.of(), ledger.problems());
        assertTrue(ledger.written().size() >= 5, ledger.written().toString());
        assertEquals(ledger.written().size(), files(dir.resolve("ev")).size());
    }

    @Test
    void aNewModificationTimeRefusesTheEvidence() throws Exception {
        Path copy = Files.copy(SAMPLE, dir.resolve("c.pcap"));
        EvidenceLedger ledger = run(copy, dir.resolve("ev"), () -> touch(copy));
        assertEquals(1, ledger.problems().size(), ledger.problems().toString());
        assertTrue(ledger.problems().get(0).startsWith(copy + " changed between the passes (modified "),
                ledger.problems().get(0));
        assertTrue(ledger.problems().get(0).contains("no evidence written"));
        assertEquals(List.of(), ledger.written());
        assertEquals(List.of(), files(dir.resolve("ev")), "no file, no .part, no spill");
    }

    @Test
    void aCaptureThatGrewRefusesTheEvidence() throws Exception {
        Path copy = Files.copy(SAMPLE, dir.resolve("c.pcap"));
        // one more record, as a capture still being written gets: a copy of the file's first record
        byte[] all = Files.readAllBytes(copy);
        long caplen = (all[32] & 0xffL) | (all[33] & 0xffL) << 8 | (all[34] & 0xffL) << 16 | (all[35] & 0xffL) << 24;
        byte[] record = java.util.Arrays.copyOfRange(all, 24, 24 + 16 + (int) caplen);
        EvidenceLedger ledger = run(copy, dir.resolve("ev"), () -> append(copy, record));
        assertEquals(1, ledger.problems().size(), ledger.problems().toString());
        assertTrue(ledger.problems().get(0).startsWith(copy + " changed between the passes (size " + all.length + " -> "
                + (all.length + record.length) + " bytes)"), ledger.problems().get(0));
        assertEquals(List.of(), files(dir.resolve("ev")));
    }

    private static void touch(Path p) {
        try {
            Files.setLastModifiedTime(p, FileTime.fromMillis(Files.getLastModifiedTime(p).toMillis() + 3_600_000));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void append(Path p, byte[] b) {
        try {
            Files.write(p, b, StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Path> files(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }
}
