package dev.nfe.capture.file;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.NotACaptureException;
import dev.nfe.capture.testdata.Corpus;
import dev.nfe.capture.testdata.Frames;
import dev.nfe.capture.testdata.RecordedFrame;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real capture cut short at every byte offset: the frames before the cut come out, then either a
 * clean end (the cut falls exactly between two records/blocks) or {@link CaptureDamagedException}
 * at the offset where the partial record/block starts; never any other exception. Record and block
 * boundaries are found here by walking the file's length fields, independently of the reader.
 */
class TruncationTest {
    @TempDir
    Path dir;

    /** One record or block: where it starts and ends, and whether it holds a frame. */
    private record Unit(long start, long end, boolean frame) {
    }

    @ParameterizedTest(name = "{0} cut at every offset up to {1}, buffer {2}")
    @CsvSource({
            "zeek+zeek/testing/btest/Traces/tls/hrr.pcap, -1, 8388608",
            "zeek+zeek/testing/btest/Traces/tls/hrr.pcap, -1, 100",
            "OISF+suricata-verify/tests/tls/tls-store-02/tls-client-auth.pcap, 3000, 8388608",
            "ntop+nDPI/tests/cfgs/default/pcap/tls_port_80.pcapng, -1, 8388608",
            "ntop+nDPI/tests/cfgs/default/pcap/tls_ech.pcapng, -1, 64",
            "seladb+PcapPlusPlus/Tests/Pcap++Test/PcapExamples/pcapng-example.pcapng, 4000, 8388608",
    })
    void everyCutGivesTheFramesBeforeItThenACleanEndOrDamage(String name, int upTo, int buffer) throws IOException {
        Path original = Corpus.capture(name);
        byte[] bytes = Files.readAllBytes(original);
        List<RecordedFrame> all;
        try (FrameSource src = CaptureFiles.open(original)) {
            Frames.Result r = Frames.readAll(src);
            assertNull(r.damage());
            all = r.frames();
        }
        boolean pcapng = CaptureFormat.probe(original) == CaptureFormat.PCAPNG;
        List<Unit> units = pcapng ? pcapngBlocks(bytes) : pcapRecords(bytes);
        assertEquals(bytes.length, units.get(units.size() - 1).end(), "walk covers the file");
        long headerEnd = units.get(0).start();
        int last = upTo < 0 ? bytes.length : Math.min(upTo, bytes.length);
        Path cut = dir.resolve("cut");
        for (int n = 0; n <= last; n++) {
            Files.write(cut, Arrays.copyOf(bytes, n));
            if (n < headerEnd) {
                try (FrameSource ignored = CaptureFiles.open(cut, buffer)) {
                    fail("cut at " + n + " inside the file header must not open");
                } catch (NotACaptureException expected) {
                    continue;
                }
            }
            int frames = 0;
            long boundary = headerEnd;
            for (Unit u : units) {
                if (u.end() <= n) {
                    boundary = u.end();
                    frames += u.frame() ? 1 : 0;
                }
            }
            Frames.Result r;
            try (FrameSource src = CaptureFiles.open(cut, buffer)) {
                r = Frames.readAll(src);
            } catch (RuntimeException | IOException e) {
                throw new AssertionError("cut at " + n + ": unexpected " + e, e);
            }
            assertEquals(all.subList(0, frames), r.frames(), "cut at " + n);
            if (boundary == n) {
                assertNull(r.damage(), "cut at " + n + " is a record boundary: clean end");
            } else {
                CaptureDamagedException e = r.damage();
                assertNotNull(e, "cut at " + n + " inside a record must be reported");
                assertEquals(boundary, e.byteOffset(), "cut at " + n + ": offset of the partial record");
                assertEquals(frames, e.framesRead(), "cut at " + n);
            }
        }
    }

    private static List<Unit> pcapRecords(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b);
        int magic = buf.getInt(0);
        buf.order(magic == 0xa1b2c3d4 || magic == 0xa1b23c4d ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        List<Unit> out = new ArrayList<>();
        long p = 24;
        while (p < b.length) {
            long end = p + 16 + Integer.toUnsignedLong(buf.getInt((int) p + 8));
            out.add(new Unit(p, end, true));
            p = end;
        }
        return out;
    }

    /** Blocks after the first Section Header Block (which is the file header). */
    private static List<Unit> pcapngBlocks(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b);
        List<Unit> out = new ArrayList<>();
        long p = 0;
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        while (p < b.length) {
            if (buf.order(ByteOrder.BIG_ENDIAN).getInt((int) p) == 0x0a0d0d0a) {
                order = buf.getInt((int) p + 8) == 0x1a2b3c4d ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            }
            buf.order(order);
            int type = buf.getInt((int) p);
            long end = p + Integer.toUnsignedLong(buf.getInt((int) p + 4));
            if (p > 0) {
                out.add(new Unit(p, end, type == 6 || type == 3 || type == 2));
            } else {
                out.add(new Unit(end, end, false)); // marks the end of the file header
            }
            p = end;
        }
        return out;
    }
}
