package dev.nfe.capture.decode;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.capture.testdata.CaptureWriter;
import dev.nfe.capture.testdata.Corpus;
import dev.nfe.capture.testdata.Decoded;
import dev.nfe.capture.testdata.Frames;
import dev.nfe.capture.testdata.RecordedFrame;
import dev.nfe.capture.testdata.Segments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Link types no corpus capture has (LOOP, raw 12/14/228/229, NULL in the other byte order, SLL and
 * SLL2 built from Ethernet frames): the Ethernet header of real frames is replaced by the other link
 * layer's header, written to a capture file, and the same segments must come out.
 */
class LinkTypeRewriteTest {
    private static final String V4 = "zeek+zeek/testing/btest/Traces/tls/tls13draft16-ff52.a01.pcap";
    private static final String V6 = "OISF+suricata-verify/tests/tls/tls13-draft28/tls13_draft28.pcap";

    @TempDir
    Path dir;

    enum Rewrite {
        NULL_HOST_ORDER(LinkTypes.NULL, false),
        NULL_OTHER_ORDER(LinkTypes.NULL, false),
        NULL_BIG_ENDIAN_FILE(LinkTypes.NULL, true),
        LOOP(LinkTypes.LOOP, false),
        RAW(LinkTypes.RAW, false),
        RAW_DLT12(LinkTypes.RAW_DLT12, true),
        RAW_DLT14(LinkTypes.RAW_DLT14, false),
        IPV4(LinkTypes.IPV4, false),
        IPV6(LinkTypes.IPV6, false),
        LINUX_SLL(LinkTypes.LINUX_SLL, false),
        LINUX_SLL2(LinkTypes.LINUX_SLL2, true);

        final int linkType;
        final boolean bigEndianFile;

        Rewrite(int linkType, boolean bigEndianFile) {
            this.linkType = linkType;
            this.bigEndianFile = bigEndianFile;
        }
    }

    @ParameterizedTest
    @EnumSource(Rewrite.class)
    void sameSegmentsUnderEveryLinkLayer(Rewrite rewrite) throws IOException {
        int checked = 0;
        for (String name : new String[] {V4, V6}) {
            List<RecordedFrame> ethernet = read(Corpus.capture(name));
            List<TcpSegment> original = Decoded.of(ethernet).segments();
            List<RecordedFrame> rewritten = new ArrayList<>();
            Map<Long, Long> renumbered = new HashMap<>();
            for (RecordedFrame f : ethernet) {
                int type = ((f.data()[12] & 0xff) << 8) | (f.data()[13] & 0xff);
                boolean v6 = type == 0x86dd;
                if ((type != 0x0800 && !v6) || (rewrite == Rewrite.IPV4 && v6) || (rewrite == Rewrite.IPV6 && !v6)) {
                    continue;
                }
                byte[] header = header(rewrite, f.data(), type, rewritten.size());
                byte[] data = new byte[header.length + f.data().length - 14];
                System.arraycopy(header, 0, data, 0, header.length);
                System.arraycopy(f.data(), 14, data, header.length, f.data().length - 14);
                long number = rewritten.size() + 1;
                renumbered.put(f.number(), number);
                rewritten.add(new RecordedFrame(number, f.timestampNanos(), rewrite.linkType, data,
                        f.originalLength() - 14 + header.length));
            }
            if (rewritten.isEmpty()) {
                continue;
            }
            List<TcpSegment> expected = new ArrayList<>();
            for (TcpSegment s : original) {
                Long number = renumbered.get(s.frame());
                if (number != null) {
                    expected.add(new TcpSegment(s.timestampNanos(), number, s.src(), s.dst(), s.seq(), s.ack(), s.flags(),
                            s.window(), s.ttl(), s.ipId(), s.payloadLength(), s.payload(), s.truncated()));
                }
            }
            Path file = CaptureWriter.write(dir.resolve(rewrite + ".pcap"),
                    CaptureWriter.pcap(rewritten, rewrite.linkType, rewrite.bigEndianFile, false, 262144));
            Decoded decoded = Decoded.of(file);
            Segments.assertSame(expected, decoded.segments(), rewrite + " from " + name);
            assertEquals(rewritten.size(), decoded.stats().frames());
            checked += expected.size();
        }
        assertTrue(checked > 20, "compared " + checked + " segments");
    }

    @Test
    void unknownLinkTypeIsCountedOncePerFrame() throws IOException {
        List<RecordedFrame> frames = read(Corpus.capture(V4));
        List<RecordedFrame> user0 = new ArrayList<>();
        for (RecordedFrame f : frames) {
            user0.add(new RecordedFrame(f.number(), f.timestampNanos(), 147, f.data(), f.originalLength()));
        }
        Decoded d = Decoded.of(user0);
        assertEquals(0, d.segments().size());
        assertEquals(frames.size(), d.stats().skipped(SkipReason.UNSUPPORTED_LINK_TYPE));
        assertEquals(frames.size(), d.stats().skipped());
        assertEquals(frames.size(), d.stats().frames());
    }

    private static byte[] header(Rewrite rewrite, byte[] ethernet, int type, int index) {
        boolean v6 = type == 0x86dd;
        // the three BSD values for AF_INET6, in turn
        int family = v6 ? new int[] {24, 28, 30}[index % 3] : 2;
        return switch (rewrite) {
            case NULL_HOST_ORDER -> ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(family).array();
            case NULL_OTHER_ORDER, NULL_BIG_ENDIAN_FILE, LOOP -> ByteBuffer.allocate(4).putInt(family).array();
            case RAW, RAW_DLT12, RAW_DLT14, IPV4, IPV6 -> new byte[0];
            case LINUX_SLL -> ByteBuffer.allocate(16).putShort((short) (index % 2 == 0 ? 0 : 4)).putShort((short) 1)
                    .putShort((short) 6).put(ethernet, 6, 6).putShort((short) 0).putShort((short) type).array();
            case LINUX_SLL2 -> ByteBuffer.allocate(20).putShort((short) type).putShort((short) 0).putInt(2)
                    .putShort((short) 1).put((byte) (index % 2 == 0 ? 0 : 4)).put((byte) 6).put(ethernet, 6, 6)
                    .putShort((short) 0).array();
        };
    }

    private static List<RecordedFrame> read(Path p) throws IOException {
        try (FrameSource s = CaptureFiles.open(p)) {
            return Frames.readAll(s).frames();
        }
    }
}
