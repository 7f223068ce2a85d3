package dev.nfe.capture.file;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.testdata.Corpus;
import dev.nfe.capture.testdata.Frames;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Records straddling buffer refills: every corpus capture reads the same with any buffer size, and without per-frame garbage. */
class ReaderBufferTest {

    @Test
    void everyBufferSizeReadsTheSameFrames() throws IOException {
        List<String> problems = new ArrayList<>();
        List<Path> captures = Corpus.captures();
        assertTrue(captures.size() >= 90);
        for (Path p : captures) {
            Frames.Result reference = read(p, CaptureFiles.DEFAULT_BUFFER_SIZE);
            for (int size : new int[] {1, 13, 1517, 65_537}) {
                Frames.Result r = read(p, size);
                if (!r.frames().equals(reference.frames())) {
                    problems.add(Corpus.name(p) + " with a " + size + "-byte buffer");
                }
                long expected = reference.damage() == null ? -1 : reference.damage().byteOffset();
                long got = r.damage() == null ? -1 : r.damage().byteOffset();
                if (expected != got) {
                    problems.add(Corpus.name(p) + " damage offset with a " + size + "-byte buffer: " + got);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /**
     * Nothing is allocated per frame: the only allocation is one fresh buffer per refill (so
     * that frames' bytes stay valid, see FrameSource.stableBuffers), about the size of the file.
     */
    @Test
    void readingFramesAllocatesNothingPerFrame() throws IOException {
        Path p = Corpus.capture("seladb+PcapPlusPlus/Tests/ExamplesTest/pcap_examples/tls2.pcap");
        Path ng = Corpus.capture("ntop+nDPI/tests/cfgs/default/pcap/alexa-app.pcapng");
        for (Path file : new Path[] {p, ng}) {
            long[] frames = new long[1];
            dev.nfe.capture.FrameSink counter = (n, ts, lt, buf, off, cap, orig) -> frames[0]++;
            long allocated = 0;
            for (int round = 0; round < 3; round++) {
                try (FrameSource src = CaptureFiles.open(file, 64 << 10)) {
                    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                    long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                    frames[0] = 0;
                    while (src.next(counter)) {
                        // count only
                    }
                    allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
                }
            }
            assertTrue(frames[0] > 3000);
            long size = java.nio.file.Files.size(file);
            assertTrue(allocated < size + (128 << 10), Corpus.name(file) + ": " + frames[0] + " frames (" + size
                    + " bytes of file) allocated " + allocated + " bytes");
        }
    }

    private static Frames.Result read(Path p, int buffer) throws IOException {
        try (FrameSource s = CaptureFiles.open(p, buffer)) {
            return Frames.readAll(s);
        }
    }
}
