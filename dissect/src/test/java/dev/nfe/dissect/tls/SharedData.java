package dev.nfe.dissect.tls;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the read-only shared data lives (corpus, loopback captures), if it is on this machine. */
final class SharedData {
    private SharedData() {
    }

    /** The nfe.shared system property when it exists, else /work/shared; null when neither exists. */
    static Path root() {
        String p = System.getProperty("nfe.shared");
        if (p != null && Files.isDirectory(Path.of(p, "corpus"))) {
            return Path.of(p);
        }
        Path fallback = Path.of("/work/shared");
        return Files.isDirectory(fallback.resolve("corpus")) ? fallback : null;
    }
}
