package dev.nfe.testsuite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real headless Chromium (Debian's {@code chromium}, which bin/test installs), as a person's
 * browser opening a file: the DOM after the page's scripts ran, a screenshot, and what the page
 * wrote to the console. The network is shut for it: every host name resolves to nothing and every
 * connection would go through a proxy on a closed port, so a page that needed anything from
 * anywhere would come out incomplete (and say so in the console).
 */
final class Chromium {
    static final String BINARY = "/usr/bin/chromium";

    private Chromium() {
    }

    /** The DOM as Chromium serialised it after loading and running the page, and its log (console lines). */
    record Page(String dom, String log) {
        /** The console messages the page caused (errors, CSP refusals, anything it logged). */
        List<String> console() {
            return log.lines().filter(l -> l.contains(":CONSOLE")).toList();
        }
    }

    static void require() {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new AssertionError("Chromium is required for the report tests (bin/test installs it: apt-get install chromium)");
        }
    }

    static Page dumpDom(Path html) throws IOException, InterruptedException {
        Run r = run(html, List.of("--dump-dom", "--virtual-time-budget=3000"));
        return new Page(r.stdout, r.stderr);
    }

    /** A screenshot of the page at {@code width} × {@code height} CSS pixels. */
    static Page screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.getParent());
        Files.deleteIfExists(png);
        Run r = run(html, List.of("--window-size=" + width + "," + height, "--hide-scrollbars",
                "--screenshot=" + png.toAbsolutePath()));
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("Chromium wrote no screenshot: " + r.stderr);
        }
        return new Page("", r.stderr);
    }

    private record Run(String stdout, String stderr) {
    }

    private static Run run(Path html, List<String> what) throws IOException, InterruptedException {
        require();
        Path profile = Files.createTempDirectory("nfe-chromium");
        Path out = Files.createTempFile("nfe-chromium", ".out");
        Path err = Files.createTempFile("nfe-chromium", ".err");
        try {
            List<String> cmd = new ArrayList<>(List.of(BINARY, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile,
                    // no network: names resolve to nothing, connections go to a closed port
                    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=socks5://127.0.0.1:9",
                    // the page's console messages on stderr
                    "--enable-logging=stderr", "--v=0"));
            cmd.addAll(what);
            cmd.add(html.toAbsolutePath().toUri().toString());
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("Chromium did not finish within 120 s on " + html);
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError("Chromium failed (" + p.exitValue() + ") on " + html + ": " + stderr);
            }
            return new Run(Files.readString(out, StandardCharsets.UTF_8), stderr);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            try (Stream<Path> s = Files.walk(profile)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
