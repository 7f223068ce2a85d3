package dev.nfe.capture.file;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.testdata.CaptureWriter;
import dev.nfe.capture.testdata.Frames;
import dev.nfe.capture.testdata.Packets;
import dev.nfe.capture.testdata.RecordedFrame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pcapng block handling: simple packet blocks, timestamp resolutions, and every damage rule. */
class PcapngBlocksTest {
    private static List<RecordedFrame> real;

    @TempDir
    Path dir;

    @BeforeAll
    static void frames() throws IOException {
        try (FrameSource s = CaptureFiles.open(dev.nfe.capture.testdata.Corpus.capture(Packets.V4_CAPTURE))) {
            real = Frames.readAll(s).frames().subList(0, 6);
        }
    }

    @Test
    void simplePacketBlocksTakeInterfaceZeroAndThePreviousTimestamp() throws IOException {
        CaptureWriter.Pcapng w = new CaptureWriter.Pcapng().section(false).interfaceBlock(1, 0, null, null)
                .interfaceBlock(101, 0, null, null);
        RecordedFrame first = real.get(0);
        w.enhanced(0, first.timestampNanos() / 1000, first.data(), first.originalLength());
        for (RecordedFrame f : real.subList(1, real.size())) {
            w.simple(f.data(), f.originalLength());
        }
        List<RecordedFrame> got = read(w.bytes()).frames();
        assertEquals(real.size(), got.size());
        for (int i = 0; i < real.size(); i++) {
            assertArrayEquals(real.get(i).data(), got.get(i).data());
            assertEquals(1, got.get(i).linkType());
            assertEquals(i + 1, got.get(i).number());
            assertEquals(first.timestampNanos(), got.get(i).timestampNanos(), "an SPB has no timestamp of its own");
        }
    }

    @Test
    void simplePacketBlockCapturedLengthIsTheSmallestOfOriginalSnapLengthAndBlock() throws IOException {
        RecordedFrame f = real.get(3);
        assertTrue(f.data().length > 200);
        // snap length 128: the block holds the whole frame but only 128 bytes were captured
        CaptureWriter.Pcapng snapped = new CaptureWriter.Pcapng().section(true).interfaceBlock(1, 128, null, null)
                .simple(f.data(), f.originalLength());
        RecordedFrame a = read(snapped.bytes()).frames().get(0);
        assertArrayEquals(Arrays.copyOf(f.data(), 128), a.data());
        assertEquals(f.originalLength(), a.originalLength());
        // the block holds only 100 bytes: that is what was captured
        CaptureWriter.Pcapng small = new CaptureWriter.Pcapng().section(false).interfaceBlock(1, 0, null, null)
                .simple(Arrays.copyOf(f.data(), 100), f.originalLength());
        assertArrayEquals(Arrays.copyOf(f.data(), 100), read(small.bytes()).frames().get(0).data());
        // original length below the block space (padding): the original length wins
        CaptureWriter.Pcapng padded = new CaptureWriter.Pcapng().section(false).interfaceBlock(1, 0, null, null)
                .simple(Arrays.copyOf(f.data(), 61), 61);
        assertEquals(61, read(padded.bytes()).frames().get(0).data().length);
    }

    @Test
    void timestampResolutions() throws IOException {
        long ns = 1_700_000_000_123_456_789L;
        byte[] data = real.get(0).data();
        assertEquals(ns, timestampOf(null, 0L, ns / 1000) + 789, "default: microseconds");
        assertEquals(ns, timestampOf(9, 0L, ns), "nanoseconds");
        assertEquals(ns - 456_789, timestampOf(3, 0L, ns / 1_000_000), "milliseconds");
        assertEquals(ns - 123_456_789, timestampOf(0, 0L, ns / 1_000_000_000), "seconds");
        assertEquals(ns, timestampOf(12, 1_700_000_000L, 123_456_789_000L), "picoseconds after an offset");
        assertEquals(ns, timestampOf(15, 1_700_000_000L, 123_456_789_000_000L), "femtoseconds after an offset");
        assertEquals(ns, timestampOf(0x80 | 30, 0L, FormatVariantTest.binaryUnits(ns, 30)), "2^-30 s");
        assertEquals(ns / 1000 * 1000, timestampOf(0x80 | 20, 0L, FormatVariantTest.binaryUnits(ns / 1000 * 1000, 20)) / 1000 * 1000, "2^-20 s");
        assertEquals(1_700_000_000L * 1_000_000_000L, timestampOf(0x80, 0L, 1_700_000_000L), "2^0 s");
        assertEquals(ns - 3600_000_000_000L, timestampOf(9, -3600L, ns), "negative offset");
        // 2^-63: the largest binary exponent; one unit is ~1e-19 s
        assertEquals(1_000_000_000L, timestampOf(0x80 | 63, 1L, 0L), "offset only");
        assertEquals(500_000_000L, timestampOf(0x80 | 63, 0L, 1L << 62), "half a second in units of 2^-63 s");
        assertEquals(4_294_967_295L * 1_000_000_000L + 999_999_999L, timestampOf(0x80 | 32, 0L, -1L),
                "the largest unsigned 64-bit count of 2^-32 s");
        assertTrue(data.length > 0);
    }

    private long timestampOf(Integer tsresol, long tsoffset, long units) throws IOException {
        CaptureWriter.Pcapng w = new CaptureWriter.Pcapng().section(false)
                .interfaceBlock(1, 0, tsresol, tsoffset == 0 ? null : tsoffset)
                .enhanced(0, units, real.get(0).data(), real.get(0).originalLength());
        return read(w.bytes()).frames().get(0).timestampNanos();
    }

    @Test
    void unknownAndLargeSkippableBlocksAreSkipped() throws IOException {
        CaptureWriter.Pcapng w = new CaptureWriter.Pcapng().section(false).interfaceBlock(1, 0, null, null)
                .other(0x0bad, 3 << 20)                     // larger than the 64 KiB buffer used below
                .enhanced(0, 1, real.get(0).data(), real.get(0).originalLength())
                .other(0x40000bad, 0).other(7, 1).other(9, 33)
                .enhanced(0, 2, real.get(1).data(), real.get(1).originalLength());
        Path file = CaptureWriter.write(dir.resolve("skip.pcapng"), w.bytes());
        try (FrameSource s = CaptureFiles.open(file, 64 << 10)) {
            Frames.Result r = Frames.readAll(s);
            assertNull(r.damage());
            assertEquals(2, r.frames().size());
            assertEquals(s.size(), s.position());
        }
    }

    @Test
    void anewSectionForgetsTheInterfacesOfThePreviousOne() throws IOException {
        CaptureWriter.Pcapng w = new CaptureWriter.Pcapng().section(false).interfaceBlock(1, 0, null, null)
                .interfaceBlock(1, 0, null, null)
                .enhanced(1, 1, real.get(0).data(), real.get(0).originalLength());
        long second = w.size();
        w.section(true).interfaceBlock(1, 0, null, null);
        long bad = w.size();
        w.enhanced(1, 2, real.get(1).data(), real.get(1).originalLength());
        Frames.Result r = read(w.bytes());
        assertEquals(1, r.frames().size());
        assertDamage(r, bad, 1, "interface 1");
        assertTrue(second < bad);
    }

    @Test
    void damageRules() throws IOException {
        // trailing length differs from the leading one
        damaged(b -> putInt(b, b.order(), block(b, 3) + blockLength(b, 3) - 4, 999), 3, 1, "trailing length");
        // not a multiple of 4
        damaged(b -> putInt(b, b.order(), block(b, 3) + 4, blockLength(b, 3) + 2), 3, 1, "multiple of 4");
        // below the minimum
        damaged(b -> putInt(b, b.order(), block(b, 3) + 4, 8), 3, 1, "minimum");
        // above the limit
        damaged(b -> putInt(b, b.order(), block(b, 3) + 4, PcapngFileSource.MAX_BLOCK_LENGTH + 4), 3, 1, "limit");
        // runs past the end of the file
        damaged(b -> putInt(b, b.order(), block(b, 3) + 4, blockLength(b, 3) + 4096), 3, 1, "past the end");
        // captured length larger than the block
        damaged(b -> putInt(b, b.order(), block(b, 3) + 20, blockLength(b, 3)), 3, 1, "room");
        // unknown interface
        damaged(b -> putInt(b, b.order(), block(b, 3) + 8, 5), 3, 1, "interface 5");
        // an option running past the end of an interface description block
        damaged(b -> putShort(b, b.order(), block(b, 1) + 16 + 2, 400), 1, 0, "option");
    }

    @Test
    void absurdCapturedLengthAndBrokenSectionHeaders() throws IOException {
        byte[] huge = new byte[300_000];
        CaptureWriter.Pcapng w = new CaptureWriter.Pcapng().section(false).interfaceBlock(1, 0, null, null)
                .enhanced(0, 1, real.get(0).data(), real.get(0).originalLength());
        long at = w.size();
        w.enhanced(0, 2, huge, huge.length);
        assertDamage(read(w.bytes()), at, 1, "300000 captured bytes");

        CaptureWriter.Pcapng snap = new CaptureWriter.Pcapng().section(false).interfaceBlock(1, 64, null, null);
        long at2 = snap.size();
        snap.enhanced(0, 2, new byte[70_000], 70_000);
        assertDamage(read(snap.bytes()), at2, 0, "snap length 64");

        CaptureWriter.Pcapng spb = new CaptureWriter.Pcapng().section(false);
        long at3 = spb.size();
        spb.simple(real.get(0).data(), real.get(0).originalLength());
        assertDamage(read(spb.bytes()), at3, 0, "before any interface");

        CaptureWriter.Pcapng version = new CaptureWriter.Pcapng().section(false).interfaceBlock(1, 0, null, null)
                .enhanced(0, 1, real.get(0).data(), real.get(0).originalLength());
        long at4 = version.size();
        byte[] b = version.section(false).bytes();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort((int) at4 + 12, (short) 2);
        assertDamage(read(b), at4, 1, "version 2");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at4 + 8, 0x01020304);
        assertDamage(read(b), at4, 1, "byte-order magic");
    }

    /** The base file: SHB, IDB, EPB, EPB; then {@code mutate} damages block {@code index}. */
    private void damaged(Consumer<ByteBuffer> mutate, int index, int framesBefore, String message) throws IOException {
        CaptureWriter.Pcapng w = new CaptureWriter.Pcapng().section(index % 2 == 1).interfaceBlock(1, 0, null, null)
                .enhanced(0, 1, real.get(0).data(), real.get(0).originalLength())
                .enhanced(0, 2, real.get(1).data(), real.get(1).originalLength())
                .enhanced(0, 3, real.get(2).data(), real.get(2).originalLength());
        byte[] bytes = w.bytes();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(index % 2 == 1 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long at = block(b, index);
        mutate.accept(b);
        assertDamage(read(bytes), at, framesBefore, message);
    }

    private static void assertDamage(Frames.Result r, long offset, int frames, String message) {
        CaptureDamagedException e = r.damage();
        assertNotNull(e, "expected damage: " + message);
        assertEquals(offset, e.byteOffset(), e.getMessage());
        assertEquals(frames, e.framesRead(), e.getMessage());
        assertEquals(frames, r.frames().size());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    /** Offset of block {@code index} (0 = the section header). */
    private static int block(ByteBuffer b, int index) {
        int p = 0;
        for (int i = 0; i < index; i++) {
            p += b.getInt(p + 4);
        }
        return p;
    }

    private static int blockLength(ByteBuffer b, int index) {
        return b.getInt(block(b, index) + 4);
    }

    private static void putInt(ByteBuffer b, ByteOrder order, int at, int value) {
        b.order(order).putInt(at, value);
    }

    private static void putShort(ByteBuffer b, ByteOrder order, int at, int value) {
        b.order(order).putShort(at, (short) value);
    }

    private Frames.Result read(byte[] bytes) throws IOException {
        Path file = CaptureWriter.write(dir.resolve("t.pcapng"), bytes);
        try (FrameSource s = CaptureFiles.open(file)) {
            return Frames.readAll(s);
        }
    }
}
