package dev.nfe.capture.file;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.testdata.Corpus;
import dev.nfe.capture.testdata.Frames;
import dev.nfe.capture.testdata.RecordedFrame;
import dev.nfe.capture.testdata.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real captures copied frame by frame through {@link PcapngWriter} must read back, in tshark and in
 * nfe's own reader, with the same bytes, lengths, link types and timestamps (to the digit tshark
 * prints, so in the source's own resolution), and with the comments visible as
 * {@code frame.comment}.
 */
class PcapngWriterTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
            // microseconds, Ethernet
            "ntop+nDPI/tests/cfgs/default/pcap/google_ssl.pcap",
            // two interfaces: Ethernet in nanoseconds and Linux SLL in microseconds; a frame far in the future
            "seladb+PcapPlusPlus/Tests/Pcap++Test/PcapExamples/pcapng-example.pcapng",
            // raw IPv4, BSD null
            "ntop+nDPI/tests/cfgs/default/pcap/ossfuzz_seed_fake_traces_1.pcapng",
            "ntop+nDPI/tests/cfgs/default/pcap/pgsql2.pcapng",
    })
    void aCopyReadsBackAsTheOriginalInTsharkAndInNfe(String name) throws Exception {
        Path original = Corpus.capture(name);
        Path copy = dir.resolve("copy.pcapng");
        List<RecordedFrame> frames = new ArrayList<>();
        List<Integer> resolutions = new ArrayList<>();
        try (FrameSource src = CaptureFiles.open(original);
             PcapngWriter w = PcapngWriter.start(new BufferedOutputStream(Files.newOutputStream(copy)), "nfe test",
                     "copied from " + name + "\nsecond line")) {
            while (src.next((number, ts, linkType, buf, off, cap, orig) -> {
                byte[] data = java.util.Arrays.copyOfRange(buf, off, off + cap);
                frames.add(new RecordedFrame(number, ts, linkType, data, orig));
                resolutions.add(src.timestampResolution());
                List<String> comments = number % 3 == 1 ? List.of("frame " + number + " ünïcode ✓")
                        : number % 3 == 2 ? List.of("first of two on " + number, "second") : List.of();
                try {
                    w.frame(linkType, src.timestampResolution(), ts, buf, off, cap, orig, comments);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })) {
                // copy every frame
            }
        }

        // nfe's reader: the same frames, in the same resolution
        try (FrameSource back = CaptureFiles.open(copy)) {
            List<Integer> backResolutions = new ArrayList<>();
            List<RecordedFrame> read = new ArrayList<>();
            while (back.next((number, ts, linkType, buf, off, cap, orig) -> {
                read.add(new RecordedFrame(number, ts, linkType, java.util.Arrays.copyOfRange(buf, off, off + cap), orig));
                backResolutions.add(back.timestampResolution());
            })) {
                // read all
            }
            assertEquals(frames, read);
            for (int i = 0; i < resolutions.size(); i++) {
                int expected = resolutions.get(i) <= 9 ? resolutions.get(i) : 9;
                assertEquals(expected, backResolutions.get(i), "resolution of frame " + (i + 1));
            }
        }

        // tshark: timestamps as printed, lengths, encapsulation, comments, bytes
        List<String[]> before = fields(original);
        List<String[]> after = fields(copy);
        assertEquals(before.size(), after.size(), "frames");
        for (int i = 0; i < before.size(); i++) {
            String[] b = before.get(i);
            String[] a = after.get(i);
            for (int k = 0; k < 5; k++) {
                assertEquals(b[k], a[k], "frame " + (i + 1) + " field " + FIELDS[k]);
            }
            long number = i + 1;
            String expectedComment = number % 3 == 1 ? "frame " + number + " ünïcode ✓"
                    : number % 3 == 2 ? "first of two on " + number + ",second" : "";
            assertEquals(expectedComment, a[5], "frame " + number + " comments");
        }
        assertEquals(hex(original), hex(copy), "frame bytes as tshark dumps them");
        String capinfos = run(List.of("capinfos", copy.toString()));
        assertTrue(capinfos.contains("copied from " + name), capinfos);
        assertTrue(capinfos.contains("nfe test"), capinfos);
        // tshark prints every time with nine digits: the interfaces' resolutions show in capinfos
        assertEquals(resolutions.contains(6), capinfos.contains("Time precision = microseconds (6)"), capinfos);
        assertEquals(resolutions.contains(9), capinfos.contains("Time precision = nanoseconds (9)"), capinfos);
    }

    @Test
    void aCommentLongerThanAnOptionIsCutAtACharacter() throws Exception {
        String euro = "€".repeat(30_000); // 3 bytes each: 90,000 bytes
        byte[] cut = PcapngWriter.utf8Prefix(euro, PcapngWriter.MAX_OPTION);
        assertEquals(65_535, cut.length);
        assertEquals("€".repeat(21_845), new String(cut, StandardCharsets.UTF_8));
        byte[] cut2 = PcapngWriter.utf8Prefix("a" + euro, PcapngWriter.MAX_OPTION);
        assertEquals(65_533, cut2.length, "the character that would straddle the limit is left out whole");

        Path f = dir.resolve("long.pcapng");
        byte[] frame = new byte[60];
        frame[12] = 0x08; // an Ethernet frame of zeroes, IPv4 ethertype
        try (PcapngWriter w = PcapngWriter.start(Files.newOutputStream(f), "nfe test", null)) {
            w.frame(1, PcapngWriter.NANOSECONDS, 1_700_000_000_123_456_789L, frame, 0, 60, 60, List.of(euro));
        }
        List<String[]> t = fields(f);
        assertEquals(1, t.size());
        assertEquals("1700000000.123456789", t.get(0)[0]);
        assertEquals("€".repeat(21_845), t.get(0)[5]);
        try (FrameSource back = CaptureFiles.open(f)) {
            Frames.Result r = Frames.readAll(back);
            assertNull(r.damage());
            assertArrayEquals(frame, r.frames().get(0).data());
        }
    }

    private static final String[] FIELDS = {"frame.time_epoch", "frame.len", "frame.cap_len", "frame.encap_type",
            "frame.protocols", "frame.comment"};

    private static List<String[]> fields(Path capture) throws IOException, InterruptedException {
        Tshark.require();
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(), "-T", "fields",
                "-E", "separator=/t", "-E", "aggregator=,"));
        for (String f : FIELDS) {
            cmd.add("-e");
            cmd.add(f);
        }
        List<String[]> out = new ArrayList<>();
        for (String line : run(cmd).split("\n")) {
            if (!line.isEmpty()) {
                out.add(line.split("\t", -1));
            }
        }
        return out;
    }

    /** tshark's hex dump of every frame: the bytes themselves, whatever the file format. */
    private static String hex(Path capture) throws IOException, InterruptedException {
        return run(List.of("tshark", "-n", "-r", capture.toString(), "-x"));
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), cmd + ": " + new String(err.join(), StandardCharsets.UTF_8));
        return out;
    }
}
