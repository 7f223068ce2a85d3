package dev.nfe.capture.testdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The shared capture corpus ({@code ${nfe.shared}/corpus}): 97 public captures with tshark ground truth. */
public final class Corpus {
    /** The one damaged capture: tshark reads 6 packets, the 7th record header claims 4 MB. */
    public static final String DAMAGED = "OISF+suricata-verify/tests/bug-1450-05/tls_DER-incomplete-content.pcap";
    public static final long DAMAGED_OFFSET = 5035;
    public static final long DAMAGED_FRAMES = 6;

    private Corpus() {
    }

    public static Path shared() {
        String dir = System.getProperty("nfe.shared");
        if (dir == null) {
            throw new IllegalStateException("system property nfe.shared is not set (surefire sets it to <repo>/../shared)");
        }
        return Path.of(dir);
    }

    public static Path root() {
        Path root = shared().resolve("corpus");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("corpus not found at " + root);
        }
        return root;
    }

    public static Path capture(String relative) {
        return root().resolve(relative);
    }

    /** Every {@code *.pcap} / {@code *.pcapng} under the corpus, sorted by path. */
    public static List<Path> captures() {
        Path root = root();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".pcap") || n.endsWith(".pcapng");
                    })
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String name(Path capture) {
        return root().relativize(capture).toString();
    }
}
