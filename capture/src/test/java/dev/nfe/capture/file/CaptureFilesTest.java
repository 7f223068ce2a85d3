package dev.nfe.capture.file;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.NotACaptureException;
import dev.nfe.capture.testdata.Corpus;
import dev.nfe.capture.testdata.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptureFilesTest {
    @TempDir
    Path dir;

    @Test
    void emptyFileIsNotACapture() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.pcap"));
        NotACaptureException e = assertThrows(NotACaptureException.class, () -> CaptureFiles.open(empty));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void textFileIsNotACapture() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.pcap"), "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
        NotACaptureException e = assertThrows(NotACaptureException.class, () -> CaptureFiles.open(text));
        assertTrue(e.getMessage().contains(text.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("47 45 54 20"), "names the bytes it found: " + e.getMessage());
    }

    @Test
    void truncatedPcapHeaderIsNotACapture() throws IOException {
        byte[] real = Files.readAllBytes(Corpus.capture("zeek+zeek/testing/btest/Traces/tls/hrr.pcap"));
        Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(real, 10));
        NotACaptureException e = assertThrows(NotACaptureException.class, () -> CaptureFiles.open(cut));
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("10 of 24"), e.getMessage());
        Path three = Files.write(dir.resolve("three.pcap"), Arrays.copyOf(real, 3));
        assertThrows(NotACaptureException.class, () -> CaptureFiles.open(three));
    }

    @Test
    void truncatedSectionHeaderIsNotACapture() throws IOException {
        byte[] real = Files.readAllBytes(Corpus.capture("ntop+nDPI/tests/cfgs/default/pcap/tls_port_80.pcapng"));
        for (int n : new int[] {4, 11, 20, 27}) {
            Path cut = Files.write(dir.resolve("cut" + n + ".pcapng"), Arrays.copyOf(real, n));
            NotACaptureException e = assertThrows(NotACaptureException.class, () -> CaptureFiles.open(cut));
            assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        }
    }

    @Test
    void gzipCaptureGetsAHint() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(Files.readAllBytes(Corpus.capture("zeek+zeek/testing/btest/Traces/tls/hrr.pcap")));
        }
        Path gz = Files.write(dir.resolve("hrr.pcap.gz"), bytes.toByteArray());
        NotACaptureException e = assertThrows(NotACaptureException.class, () -> CaptureFiles.open(gz));
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void formatComesFromTheMagicNumberNotTheName() throws IOException {
        // in the corpus, opera-vpn.pcapng is a pcap file and tls_missing_ch_frag.pcap is pcapng
        Path pcapNamedNg = Corpus.capture("ntop+nDPI/tests/cfgs/default/pcap/opera-vpn.pcapng");
        Path ngNamedPcap = Corpus.capture("ntop+nDPI/tests/cfgs/default/pcap/tls_missing_ch_frag.pcap");
        assertEquals(CaptureFormat.PCAP, CaptureFormat.probe(pcapNamedNg));
        assertEquals(CaptureFormat.PCAPNG, CaptureFormat.probe(ngNamedPcap));
        try (FrameSource a = CaptureFiles.open(pcapNamedNg); FrameSource b = CaptureFiles.open(ngNamedPcap)) {
            assertInstanceOf(PcapFileSource.class, a);
            assertInstanceOf(PcapngFileSource.class, b);
            assertEquals(3200, Frames.readAll(a).frames().size());
            assertEquals(14, Frames.readAll(b).frames().size());
        }
        Path renamed = Files.copy(pcapNamedNg, dir.resolve("capture.txt"));
        assertEquals(CaptureFormat.PCAP, CaptureFormat.probe(renamed));
    }

    @Test
    void positionReachesSizeAtTheEnd() throws IOException {
        for (String name : new String[] {"zeek+zeek/testing/btest/Traces/tls/hrr.pcap",
                "ntop+nDPI/tests/cfgs/default/pcap/sites.pcapng"}) {
            Path p = Corpus.capture(name);
            try (FrameSource src = CaptureFiles.open(p)) {
                assertEquals(Files.size(p), src.size());
                assertTrue(src.position() > 0 && src.position() < src.size());
                long last = src.position();
                while (src.next((n, ts, lt, buf, off, cap, orig) -> { })) {
                    assertTrue(src.position() > last, "position advances with every frame");
                    last = src.position();
                }
                assertEquals(src.size(), src.position(), name);
                assertEquals(p.toString(), src.description());
            }
        }
    }

    @Test
    void textThatLooksLikeNothingKnownNamesTheFile() throws IOException {
        Path bin = Files.write(dir.resolve("x.bin"), "\u0001\u0002\u0003\u0004\u0005".getBytes(StandardCharsets.ISO_8859_1));
        NotACaptureException e = assertThrows(NotACaptureException.class, () -> CaptureFormat.probe(bin));
        assertTrue(e.getMessage().startsWith(bin.toString()), e.getMessage());
    }
}
