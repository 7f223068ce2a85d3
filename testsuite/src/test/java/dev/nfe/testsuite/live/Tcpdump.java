package dev.nfe.testsuite.live;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.file.CaptureFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code tcpdump -w} running beside a live test: the independent record of what was on the
 * wire. Needs root (or CAP_NET_RAW).
 *
 * <p>Losing nothing takes two things, both measured with {@code tcpreplay --topspeed} of
 * loopback-small (3,877 frames) onto a veth here. First, no {@code --immediate-mode}: in that
 * mode libpcap uses a TPACKET_V2 ring of one slot per frame sized for the largest frame, so even
 * a 32 MiB buffer holds a few hundred frames and the kernel dropped ~1,150 of them; the default
 * TPACKET_V3 ring packs frames into blocks and dropped none. Second, {@link #stop()} waits
 * {@link #SETTLE} first: the kernel hands a partly filled block to tcpdump only when the block's
 * 1 s timeout expires, and a tcpdump stopped 0.3 s after the replay had written 3,753 frames.
 */
final class Tcpdump implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    /** tcpdump's read timeout (1 s, the TPACKET_V3 block timeout) and a margin. */
    static final Duration SETTLE = Duration.ofMillis(1200);
    private static final Pattern STAT = Pattern.compile("(?m)^(\\d+) packets? (captured|received by filter|dropped by kernel)");

    /** tcpdump's closing counts (stderr). */
    record Stats(long captured, long received, long dropped, String stderr) {
    }

    private final Process process;
    private final Path file;
    private final Path stderr;
    private Stats stats;

    private Tcpdump(Process process, Path file, Path stderr) {
        this.process = process;
        this.file = file;
        this.stderr = stderr;
    }

    /**
     * Starts {@code tcpdump -i IFACE -w FILE FILTER} and returns once it is capturing.
     *
     * @param file where the capture goes; a name ending in .pcap (AppArmor's tcpdump profile on
     *             Debian and Ubuntu lets it write only such names)
     */
    static Tcpdump start(String iface, String filter, Path file) throws IOException, InterruptedException {
        return start(iface, filter, file, true);
    }

    /** As {@link #start(String, String, Path)}; {@code promiscuous} false adds {@code -p}. */
    static Tcpdump start(String iface, String filter, Path file, boolean promiscuous)
            throws IOException, InterruptedException {
        Path err = file.resolveSibling(file.getFileName() + ".tcpdump.txt");
        List<String> cmd = new ArrayList<>(List.of(Commands.sbin("tcpdump"), "-i", iface, "-n", "-s", "0",
                "-B", "32768", "-U", "-w", file.toString()));
        if (!promiscuous) {
            cmd.add("-p");
        }
        if (Commands.root()) {
            cmd.addAll(List.of("-Z", "root")); // else it writes the file as user tcpdump, into our directory
        }
        if (filter != null && !filter.isBlank()) {
            cmd.addAll(Arrays.asList(filter.trim().split("\\s+")));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectOutput(Commands.devNull())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Commands.devNull())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String said = Files.exists(err) ? Files.readString(err, StandardCharsets.UTF_8) : "";
            if (said.contains("listening on")) {
                return new Tcpdump(p, file, err);
            }
            if (!p.isAlive()) {
                throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + said);
            }
            Thread.sleep(20);
        }
        Commands.stop(p, Duration.ofSeconds(2));
        throw new IOException(String.join(" ", cmd) + " did not start capturing within " + START_TIMEOUT.toSeconds() + " s");
    }

    Path file() {
        return file;
    }

    /**
     * Waits {@link #SETTLE} for the last packets to reach tcpdump, stops it (SIGTERM: it flushes
     * the file and prints its counts) and returns the counts.
     */
    Stats stop() throws IOException, InterruptedException {
        if (stats == null) {
            Thread.sleep(SETTLE.toMillis());
            Commands.stop(process, Duration.ofSeconds(10));
            String said = Files.readString(stderr, StandardCharsets.UTF_8);
            long captured = -1;
            long received = -1;
            long dropped = -1;
            Matcher m = STAT.matcher(said);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                switch (m.group(2)) {
                    case "captured" -> captured = n;
                    case "received by filter" -> received = n;
                    default -> dropped = n;
                }
            }
            stats = new Stats(captured, received, dropped, said);
        }
        return stats;
    }

    /** The TCP segments of a capture file, decoded by nfe's own capture module, in file order. */
    static List<TcpSegment> segments(Path capture) throws IOException {
        List<TcpSegment> out = new ArrayList<>();
        SegmentDecoder decoder = new SegmentDecoder(out::add);
        try (FrameSource src = CaptureFiles.open(capture)) {
            while (src.next(decoder)) {
                // the decoder collects
            }
        }
        return out;
    }

    /** The captured bytes of every frame of a capture file, in file order. */
    static List<byte[]> frames(Path capture) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (FrameSource src = CaptureFiles.open(capture)) {
            while (src.next((number, ts, linkType, buf, off, len, wireLength) ->
                    out.add(Arrays.copyOfRange(buf, off, off + len)))) {
                // collected above
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }
}
