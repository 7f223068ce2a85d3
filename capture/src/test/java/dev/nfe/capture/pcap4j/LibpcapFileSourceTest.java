package dev.nfe.capture.pcap4j;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.NotACaptureException;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.capture.file.CaptureFormat;
import dev.nfe.capture.testdata.CaptureWriter;
import dev.nfe.capture.testdata.Corpus;
import dev.nfe.capture.testdata.Decoded;
import dev.nfe.capture.testdata.Frames;
import dev.nfe.capture.testdata.RecordedFrame;
import dev.nfe.capture.testdata.Segments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libpcap (through pcap4j) and the plain reader agree, frame by frame and segment by segment, on
 * every corpus capture libpcap can read. Where libpcap refuses a file, it does so with a clear
 * exception, never with different frames.
 */
class LibpcapFileSourceTest {
    @TempDir
    Path dir;

    @Test
    void libpcapAndThePlainReaderAgreeOnTheCorpus() throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        int compared = 0;
        for (Path p : Corpus.captures()) {
            Frames.Result plain;
            try (FrameSource s = CaptureFiles.open(p)) {
                plain = Frames.readAll(s);
            }
            Frames.Result libpcap;
            try (LibpcapFileSource s = LibpcapFileSource.open(p)) {
                assertTrue(s.nanosecondPrecision());
                libpcap = Frames.readAll(s);
            } catch (NotACaptureException e) {
                refused.add(Corpus.name(p) + ": " + e.getMessage());
                continue;
            }
            String name = Corpus.name(p);
            if (plain.damage() == null && libpcap.damage() != null) {
                // libpcap stopped early: only acceptable with the same frames up to there
                refused.add(name + ": " + libpcap.damage().getMessage());
                if (!plain.frames().subList(0, libpcap.frames().size()).equals(libpcap.frames())) {
                    problems.add(name + ": frames differ before libpcap stopped");
                }
                continue;
            }
            if (!plain.frames().equals(libpcap.frames())) {
                problems.add(name + ": " + firstDifference(plain.frames(), libpcap.frames()));
                continue;
            }
            if (plain.damage() != null) {
                assertNotNull(libpcap.damage(), name);
                if (CaptureFormat.probe(p) == CaptureFormat.PCAP) {
                    assertEquals(plain.damage().byteOffset(), libpcap.damage().byteOffset(), name);
                }
                assertEquals(plain.damage().framesRead(), libpcap.damage().framesRead(), name);
            }
            try (FrameSource s = LibpcapFileSource.open(p)) {
                Segments.assertSame(Decoded.of(p).segments(), Decoded.of(s).segments(), name);
            }
            compared++;
        }
        assertEquals(List.of(), problems);
        // libpcap 1.10 refuses pcapng files whose interfaces have different link types
        assertEquals(1, refused.size(), String.join("\n", refused));
        assertTrue(refused.get(0).contains("pcapng-example.pcapng"), refused.get(0));
        assertTrue(compared >= 95, "compared " + compared);
    }

    @Test
    void theDamagedCaptureStopsAtTheSameRecord() throws IOException {
        Path damaged = Corpus.capture(Corpus.DAMAGED);
        try (LibpcapFileSource s = LibpcapFileSource.open(damaged)) {
            Frames.Result r = Frames.readAll(s);
            assertEquals(Corpus.DAMAGED_FRAMES, r.frames().size());
            CaptureDamagedException e = r.damage();
            assertNotNull(e);
            assertEquals(Corpus.DAMAGED_OFFSET, e.byteOffset());
            assertEquals(Corpus.DAMAGED_OFFSET, s.position());
            assertTrue(e.getMessage().contains(damaged.toString()), e.getMessage());
        }
    }

    @Test
    void bigEndianAndNanosecondFilesToo() throws IOException {
        Path original = Corpus.capture("zeek+zeek/testing/btest/Traces/tls/hrr.pcap");
        List<RecordedFrame> frames;
        try (FrameSource s = CaptureFiles.open(original)) {
            frames = Frames.readAll(s).frames();
        }
        for (boolean nanos : new boolean[] {false, true}) {
            Path be = CaptureWriter.write(dir.resolve("be" + nanos + ".pcap"), CaptureWriter.pcap(frames, 1, true, nanos, 65535));
            try (LibpcapFileSource s = LibpcapFileSource.open(be)) {
                assertEquals(frames, Frames.readAll(s).frames());
                assertEquals(Files.size(be), s.position());
                assertEquals(1, s.linkType());
            }
        }
    }

    @Test
    void notACapture() throws IOException {
        Path text = Files.writeString(dir.resolve("x.pcap"), "hello, this is not a capture");
        NotACaptureException e = assertThrows(NotACaptureException.class, () -> LibpcapFileSource.open(text));
        assertTrue(e.getMessage().contains(text.toString()), e.getMessage());
        Path cut = Files.write(dir.resolve("cut.pcap"),
                java.util.Arrays.copyOf(Files.readAllBytes(Corpus.capture(Corpus.DAMAGED)), 10));
        assertThrows(NotACaptureException.class, () -> LibpcapFileSource.open(cut));
    }

    private static String firstDifference(List<RecordedFrame> a, List<RecordedFrame> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return "plain " + a.get(i) + " vs libpcap " + b.get(i);
            }
        }
        return "plain " + a.size() + " frames vs libpcap " + b.size();
    }
}
