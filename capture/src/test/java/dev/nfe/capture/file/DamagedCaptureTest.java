package dev.nfe.capture.file;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.testdata.Corpus;
import dev.nfe.capture.testdata.Frames;
import dev.nfe.capture.testdata.RecordedFrame;
import dev.nfe.capture.testdata.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The corpus's damaged capture: the 7th record header claims 4 MB; tshark reads 6 packets. */
class DamagedCaptureTest {
    @TempDir
    Path dir;

    @Test
    void deliversExactlyTheFramesTsharkReadsThenReportsTheOffset() throws Exception {
        Tshark.require();
        Path damaged = Corpus.capture(Corpus.DAMAGED);
        // tshark copies out the packets it could read; it exits non-zero because of the damage
        Path salvaged = dir.resolve("salvaged.pcap");
        Process p = new ProcessBuilder("tshark", "-r", damaged.toString(), "-F", "pcap", "-w", salvaged.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor() != 0 && out.contains("damaged or corrupt"), out);
        List<RecordedFrame> tshark;
        try (FrameSource src = CaptureFiles.open(salvaged)) {
            Frames.Result r = Frames.readAll(src);
            assertNull(r.damage());
            tshark = r.frames();
        }
        assertEquals(Corpus.DAMAGED_FRAMES, tshark.size());

        try (FrameSource src = CaptureFiles.open(damaged)) {
            Frames.Result r = Frames.readAll(src);
            assertEquals(tshark, r.frames());
            CaptureDamagedException e = r.damage();
            assertNotNull(e);
            assertEquals(Corpus.DAMAGED_OFFSET, e.byteOffset());
            assertEquals(Corpus.DAMAGED_FRAMES, e.framesRead());
            // the offset is the start of record 7: file header + the six records before it
            long expected = 24;
            for (RecordedFrame f : tshark) {
                expected += 16 + f.data().length;
            }
            assertEquals(expected, e.byteOffset());
            assertEquals(e.byteOffset(), src.position());
            assertTrue(e.getMessage().contains(damaged.toString()) && e.getMessage().contains("4325376"), e.getMessage());
            // the source stays failed: asking again gives the same answer, not garbage frames
            CaptureDamagedException again = assertThrows(CaptureDamagedException.class,
                    () -> src.next((n, ts, lt, buf, off, cap, orig) -> { throw new AssertionError("no frame expected"); }));
            assertSame(e, again);
        }
        assertTrue(Files.size(damaged) > Corpus.DAMAGED_OFFSET);
    }

    @Test
    void damageIsFoundWithAnyBufferSize() throws IOException {
        for (int size : new int[] {1, 16, 100, 5035, 5036, 1 << 20}) {
            try (FrameSource src = CaptureFiles.open(Corpus.capture(Corpus.DAMAGED), size)) {
                Frames.Result r = Frames.readAll(src);
                assertEquals(Corpus.DAMAGED_FRAMES, r.frames().size(), "buffer " + size);
                assertEquals(Corpus.DAMAGED_OFFSET, r.damage().byteOffset(), "buffer " + size);
            }
        }
    }
}
