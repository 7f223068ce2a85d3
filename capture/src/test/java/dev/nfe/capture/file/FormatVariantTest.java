package dev.nfe.capture.file;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.testdata.CaptureWriter;
import dev.nfe.capture.testdata.Corpus;
import dev.nfe.capture.testdata.Decoded;
import dev.nfe.capture.testdata.Frames;
import dev.nfe.capture.testdata.RecordedFrame;
import dev.nfe.capture.testdata.Segments;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same real capture in every layout the readers accept must give the same segments: pcap in
 * both byte orders, microsecond and nanosecond; pcapng from editcap; pcapng written here big-endian,
 * with binary and picosecond timestamp resolutions, a timestamp offset, obsolete packet blocks,
 * several sections of alternating byte order and blocks the reader must skip.
 */
class FormatVariantTest {
    private static final long NS = 1_000_000_000L;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
            "zeek+zeek/testing/btest/Traces/tls/hrr.pcap",
            "OISF+suricata-verify/tests/tls/tls13-draft28/tls13_draft28.pcap",
            "zeek+zeek/testing/btest/Traces/pppoe-over-qinq.pcap",
            "ntop+nDPI/tests/cfgs/default/pcap/vxlan.pcap",
            "OISF+suricata-verify/tests/tcp-empty-sack/tcp-opt.pcap",
            "ntop+nDPI/tests/cfgs/default/pcap/tls_ech.pcapng",
    })
    void everyLayoutGivesTheSameSegments(String name) throws Exception {
        Path original = Corpus.capture(name);
        List<RecordedFrame> frames = read(original);
        int linkType = frames.get(0).linkType();
        boolean nanosecondSource = frames.stream().anyMatch(f -> f.timestampNanos() % 1000 != 0);
        Decoded reference = Decoded.of(original);
        assertTrue(reference.segments().size() > 0);
        List<TcpSegment> expected = reference.segments();
        List<TcpSegment> expectedMicros = micros(expected);

        // editcap: nanosecond pcap and pcapng, written by Wireshark's own code
        Path nsec = editcap(original, "nsecpcap");
        assertTrue(((PcapFileSource) CaptureFiles.open(nsec)).nanosecondTimestamps());
        Segments.assertSame(expected, Decoded.of(nsec).segments(), "editcap -F nsecpcap");
        Path ng = editcap(original, "pcapng");
        assertEquals(CaptureFormat.PCAPNG, CaptureFormat.probe(ng));
        Segments.assertSame(expected, Decoded.of(ng).segments(), "editcap -F pcapng");

        // pcap written here: big-endian microsecond and nanosecond, little-endian microsecond
        Path beMicros = CaptureWriter.write(dir.resolve("be-us.pcap"), CaptureWriter.pcap(frames, linkType, true, false, 262144));
        try (FrameSource s = CaptureFiles.open(beMicros)) {
            assertTrue(((PcapFileSource) s).bigEndian());
        }
        Segments.assertSame(nanosecondSource ? expectedMicros : expected,
                nanosecondSource ? micros(Decoded.of(beMicros).segments()) : Decoded.of(beMicros).segments(), "big-endian us pcap");
        Path beNanos = CaptureWriter.write(dir.resolve("be-ns.pcap"), CaptureWriter.pcap(frames, linkType, true, true, 262144));
        Segments.assertSame(expected, Decoded.of(beNanos).segments(), "big-endian ns pcap");
        Path leMicros = CaptureWriter.write(dir.resolve("le-us.pcap"), CaptureWriter.pcap(frames, linkType, false, false, 65535));
        Segments.assertSame(expectedMicros, micros(Decoded.of(leMicros).segments()), "little-endian us pcap");

        // pcapng, big-endian, timestamps in units of 2^-30 s with an offset of 1000 s
        CaptureWriter.Pcapng binary = new CaptureWriter.Pcapng().section(true).interfaceBlock(linkType, 0, 0x80 | 30, 1000L);
        for (RecordedFrame f : frames) {
            binary.enhanced(0, binaryUnits(f.timestampNanos() - 1000 * NS, 30), f.data(), f.originalLength());
        }
        Path binaryFile = CaptureWriter.write(dir.resolve("binary.pcapng"), binary.bytes());
        Segments.assertSame(expected, Decoded.of(binaryFile).segments(), "pcapng BE tsresol 2^-30 tsoffset 1000");

        // pcapng, two sections of opposite byte order, picoseconds, EPB and obsolete PB alternating,
        // an unused interface of another link type first, and blocks that must be skipped
        Path mixed = CaptureWriter.write(dir.resolve("mixed.pcapng"), mixedSections(frames, linkType));
        try (FrameSource s = CaptureFiles.open(mixed)) {
            Frames.Result r = Frames.readAll(s);
            assertNull(r.damage());
            assertEquals(frames, r.frames(), "frames survive the mixed layout unchanged");
            assertEquals(2, ((PcapngFileSource) s).sections());
        }
        Segments.assertSame(expected, Decoded.of(mixed).segments(), "pcapng mixed sections");
    }

    private static byte[] mixedSections(List<RecordedFrame> frames, int linkType) {
        CaptureWriter.Pcapng w = new CaptureWriter.Pcapng();
        int half = frames.size() / 2;
        // picoseconds since 1970 overflow 64 bits after 213 days, so the interface carries an offset
        long offset = frames.stream().mapToLong(RecordedFrame::timestampNanos).min().orElseThrow() / NS;
        for (int section = 0; section < 2; section++) {
            w.section(section == 0);
            w.other(4, 20);                 // name resolution block
            w.interfaceBlock(228, 1500, null, null);
            w.interfaceBlock(linkType, 262144, 12, offset);
            w.other(0x0bad, 17);            // custom block
            List<RecordedFrame> part = section == 0 ? frames.subList(0, half) : frames.subList(half, frames.size());
            for (int i = 0; i < part.size(); i++) {
                RecordedFrame f = part.get(i);
                long picos = Math.multiplyExact(f.timestampNanos() - offset * NS, 1000L);
                if (i % 2 == 0) {
                    w.enhanced(1, picos, f.data(), f.originalLength());
                } else {
                    w.packet(1, picos, f.data(), f.originalLength());
                }
                if (i % 5 == 0) {
                    w.other(0x12345, 3);    // unknown block type
                }
            }
            w.other(5, 8);                  // interface statistics block
            w.other(10, 40);                // decryption secrets block
        }
        return w.bytes();
    }

    /** ceil(ns * 2^bits / 1e9): reading back floor(units * 1e9 / 2^bits) gives ns exactly when 2^bits >= 1e9. */
    static long binaryUnits(long nanos, int bits) {
        BigInteger[] qr = BigInteger.valueOf(nanos).shiftLeft(bits).divideAndRemainder(BigInteger.valueOf(NS));
        return qr[0].add(qr[1].signum() > 0 ? BigInteger.ONE : BigInteger.ZERO).longValueExact();
    }

    private static List<TcpSegment> micros(List<TcpSegment> segments) {
        return segments.stream().map(s -> new TcpSegment(Math.floorDiv(s.timestampNanos(), 1000) * 1000, s.frame(),
                s.src(), s.dst(), s.seq(), s.ack(), s.flags(), s.window(), s.ttl(), s.ipId(), s.payloadLength(),
                s.payload(), s.truncated())).collect(Collectors.toList());
    }

    private static List<RecordedFrame> read(Path p) throws IOException {
        try (FrameSource s = CaptureFiles.open(p)) {
            Frames.Result r = Frames.readAll(s);
            assertNull(r.damage());
            assertFalse(r.frames().isEmpty());
            return r.frames();
        }
    }

    private Path editcap(Path in, String format) throws Exception {
        Path out = dir.resolve(in.getFileName() + "." + format);
        Process p = new ProcessBuilder("editcap", "-F", format, in.toString(), out.toString())
                .redirectErrorStream(true).start();
        String msg = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "editcap is required (it comes with tshark): " + msg);
        assertTrue(Files.size(out) > 0);
        assertInstanceOf(Path.class, out);
        return out;
    }
}
