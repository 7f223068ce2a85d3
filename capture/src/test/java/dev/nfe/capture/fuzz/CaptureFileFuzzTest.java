package dev.nfe.capture.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.NotACaptureException;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.file.CaptureFiles;
import java.io.IOException;

/**
 * Fuzzes the plain-Java pcap and pcapng readers with whole files, decoded down to TCP segments as
 * replay does. The contract under test (FrameSource): a file is either read to its clean end, or
 * refused with {@link NotACaptureException} (nothing readable), or stops with
 * {@link CaptureDamagedException} at an offset inside the file after the frames before it; any
 * other exception, a frame view outside its buffer, a hang or an allocation beyond the readers'
 * caps is a finding.
 *
 * <p>Two entry points with one body, so that each keeps its own corpus: pcap files and pcapng
 * files (the magic number decides the reader either way, and the fuzzer crosses them over).
 * The small read buffer makes the readers refill and grow their buffer on nearly every input.
 */
class CaptureFileFuzzTest {
    /** Small enough that most inputs cross a refill, the path where offsets go wrong. */
    private static final int BUFFER = 1 << 10;

    @FuzzTest
    void pcap(byte[] file) throws IOException {
        read(file);
    }

    @FuzzTest
    void pcapng(byte[] file) throws IOException {
        read(file);
    }

    static void read(byte[] file) throws IOException {
        SegmentDecoder decoder = new SegmentDecoder(segment -> assertTrue(segment.payload().length() <= segment.payloadLength()));
        FrameSource source;
        try {
            source = CaptureFiles.open(new MemoryChannel(file), "fuzz", BUFFER);
        } catch (NotACaptureException refused) {
            return;
        }
        long frames = 0;
        try (source) {
            while (source.next((number, ts, linkType, buf, off, captured, original) -> {
                assertTrue(off >= 0 && captured >= 0 && off + captured <= buf.length,
                        () -> "frame view [" + off + ", +" + captured + ") outside a buffer of " + buf.length);
                decoder.frame(number, ts, linkType, buf, off, captured, original);
            })) {
                frames++;
                assertTrue(source.position() <= file.length, "read past the end of the input");
            }
        } catch (CaptureDamagedException damaged) {
            long at = damaged.byteOffset();
            assertTrue(at >= 0 && at <= file.length, () -> "damage offset " + at + " outside the file of " + file.length);
            assertTrue(damaged.framesRead() == frames, "frames read before the damage miscounted");
        }
    }
}
