package dev.nfe.capture.file;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSink;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.testdata.CaptureWriter;
import dev.nfe.capture.testdata.Packets;
import dev.nfe.capture.testdata.RecordedFrame;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captures beyond 2 GiB: offsets, positions and damage offsets are longs all the way. The input is
 * a real frame (padded to 64 KB of captured bytes) repeated past 2.2 GB, served by a channel that
 * makes it up on the fly, then cut inside the last record.
 */
class LargeInputTest {
    private static final long TWO_GIB = 1L << 31;

    @Test
    void pcapLargerThanTwoGibibytes() throws IOException {
        RecordedFrame real = Packets.frame(Packets.V4_CAPTURE, Packets.V4_FRAME);
        byte[] payload = Arrays.copyOf(real.data(), 65_000);
        byte[] file = CaptureWriter.pcap(List.of(new RecordedFrame(1, 0, 1, payload, 65_000)), 1, false, true, 262144);
        byte[] header = Arrays.copyOf(file, 24);
        byte[] record = Arrays.copyOfRange(file, 24, file.length);
        long count = TWO_GIB / record.length + 2_000;
        RepeatingChannel channel = new RepeatingChannel(header, record, 8, (i, head) ->
                ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) i).putInt(4, 0),
                count, Arrays.copyOf(record, 5_000));
        long damageAt = 24 + count * record.length;
        assertTrue(damageAt > TWO_GIB + 100_000_000L);
        try (FrameSource src = CaptureFiles.open(channel, "virtual.pcap", CaptureFiles.DEFAULT_BUFFER_SIZE)) {
            assertEquals(damageAt + 5_000, src.size());
            Checker checker = new Checker(payload);
            CaptureDamagedException e = assertThrows(CaptureDamagedException.class, () -> {
                while (src.next(checker)) {
                    if (checker.frames % 4096 == 0) {
                        assertEquals(24 + checker.frames * record.length, src.position());
                    }
                }
            });
            assertEquals(count, checker.frames);
            assertEquals(damageAt, e.byteOffset());
            assertEquals(count, e.framesRead());
            assertEquals(damageAt, src.position());
        }
    }

    @Test
    void pcapngLargerThanTwoGibibytes() throws IOException {
        RecordedFrame real = Packets.frame(Packets.V6_CAPTURE, Packets.V6_FRAME);
        byte[] payload = Arrays.copyOf(real.data(), 65_000);
        CaptureWriter.Pcapng w = new CaptureWriter.Pcapng().section(true).interfaceBlock(1, 0, 9, null);
        byte[] prefix = w.bytes();
        byte[] all = w.enhanced(0, 0, payload, payload.length).bytes();
        byte[] record = Arrays.copyOfRange(all, prefix.length, all.length);
        long count = TWO_GIB / record.length + 1_000;
        RepeatingChannel channel = new RepeatingChannel(prefix, record, 20, (i, head) ->
                ByteBuffer.wrap(head).putLong(12, i * 1_000_000_000L), count, Arrays.copyOf(record, 7));
        long damageAt = prefix.length + count * record.length;
        try (FrameSource src = CaptureFiles.open(channel, "virtual.pcapng", CaptureFiles.DEFAULT_BUFFER_SIZE)) {
            Checker checker = new Checker(payload);
            CaptureDamagedException e = assertThrows(CaptureDamagedException.class, () -> {
                while (src.next(checker)) {
                    // read on
                }
            });
            assertEquals(count, checker.frames);
            assertEquals(damageAt, e.byteOffset());
            assertTrue(e.byteOffset() > TWO_GIB);
        }
    }

    /** Checks each frame's number, timestamp (its index in seconds) and a few bytes, without copying. */
    private static final class Checker implements FrameSink {
        private final byte[] payload;
        long frames;

        Checker(byte[] payload) {
            this.payload = payload;
        }

        @Override
        public void frame(long number, long ts, int linkType, byte[] buf, int off, int cap, int orig) {
            assertEquals(++frames, number);
            assertEquals((number - 1) * 1_000_000_000L, ts);
            assertEquals(payload.length, cap);
            assertEquals(payload[60], buf[off + 60]);
            assertEquals(payload[cap - 1], buf[off + cap - 1]);
        }
    }
}
