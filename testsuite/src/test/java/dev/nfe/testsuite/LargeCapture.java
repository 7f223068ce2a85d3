package dev.nfe.testsuite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The 30,000-connection loopback capture of ../shared, unpacked once into target/. */
final class LargeCapture {
    private LargeCapture() {
    }

    /** The directory holding capture.pcap and labels.tsv.gz, as score-corpus expects. */
    static synchronized Path dir() throws IOException, InterruptedException {
        Path dir = Path.of("target/loopback-large").toAbsolutePath();
        Files.createDirectories(dir);
        Path src = Nfe.shared().resolve("captures/loopback-large");
        Path pcap = dir.resolve("capture.pcap");
        if (!Files.exists(pcap) || Files.size(pcap) == 0) {
            unxz(src.resolve("capture.pcap.xz"), pcap);
        }
        Files.copy(src.resolve("labels.tsv.gz"), dir.resolve("labels.tsv.gz"), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    static Path pcap() throws IOException, InterruptedException {
        return dir().resolve("capture.pcap");
    }

    private static void unxz(Path xz, Path out) throws IOException, InterruptedException {
        Path part = out.resolveSibling(out.getFileName() + ".part");
        Process p = new ProcessBuilder("xz", "-dc", xz.toString()).redirectOutput(part.toFile()).start();
        try (InputStream err = p.getErrorStream(); OutputStream ignored = OutputStream.nullOutputStream()) {
            err.transferTo(ignored);
        }
        assertEquals(0, p.waitFor(), "xz -dc " + xz);
        Files.move(part, out, StandardCopyOption.REPLACE_EXISTING);
    }
}
