package dev.nfe.pipeline.cli;

import dev.nfe.capture.FrameSink;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.Dissector;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.DissectorOutput;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.output.JsonRenderer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code nfe bench FILE}: steady-state throughput of the capture -> dissect path on one thread,
 * stage by stage (read, read+decode, read+decode+dissect), after JIT warm-up, with tshark's
 * one-pass TLS dissection of the same file measured in the same run as the peer.
 */
final class BenchCommand extends Command {
    private Path file;
    private int warmup;
    private int iterations;
    private String peer;

    @Override
    String name() {
        return "bench";
    }

    @Override
    String summary() {
        return "steady-state packets/s of capture -> dissect on one core, per stage, with tshark in the same run";
    }

    @Override
    String operands() {
        return "FILE";
    }

    @Override
    Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("warmup").hasArg().argName("N")
                        .desc("iterations run before measuring, so the JIT has settled (default 10)").get())
                .addOption(Option.builder().longOpt("iterations").hasArg().argName("N")
                        .desc("measured iterations per stage (default 7)").get())
                .addOption(Option.builder().longOpt("peer").hasArg().argName("tshark|none")
                        .desc("the peer tool measured on the same file (default tshark)").get());
    }

    @Override
    int execute(CommandLine cl, PrintStream out, PrintStream err) throws Exception {
        if (cl.getArgList().size() != 1) {
            throw new UsageException("give exactly one capture file");
        }
        file = Path.of(cl.getArgList().get(0));
        if (!java.nio.file.Files.isRegularFile(file)) {
            err.println("nfe bench: " + file + ": no such file");
            return 2;
        }
        warmup = intOption(cl, "warmup", 10, 0);
        iterations = intOption(cl, "iterations", 7, 1);
        peer = choice(cl, "peer", "tshark", "tshark", "none");
        return measure(out);
    }

    private enum Stage { READ, DECODE, DISSECT, RENDER }

    private int measure(PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "nfe bench: %s (%.1f MB), one thread, %d warm-up + %d measured iterations per stage%n",
                file, java.nio.file.Files.size(file) / 1e6, warmup, iterations);
        out.printf(Locale.ROOT, "%-28s %12s %12s %10s%n", "stage", "packets/s", "MB/s", "ms/pass");
        double size = java.nio.file.Files.size(file) / 1e6;
        double full = 0;
        long frames = 0;
        for (Stage stage : Stage.values()) {
            long[] nanos = new long[iterations];
            Counts c = null;
            for (int i = 0; i < warmup + iterations; i++) {
                long t0 = System.nanoTime();
                c = pass(stage);
                long dt = System.nanoTime() - t0;
                if (i >= warmup) {
                    nanos[i - warmup] = dt;
                }
            }
            Arrays.sort(nanos);
            long median = nanos[iterations / 2];
            double pps = c.frames / (median / 1e9);
            frames = c.frames;
            if (stage == Stage.DISSECT) {
                full = pps;
            }
            out.printf(Locale.ROOT, "%-28s %12.0f %12.1f %10.1f%s%n", label(stage), pps, size / (median / 1e9),
                    median / 1e6, stage == Stage.DISSECT ? "   (" + c.sessions + " sessions)" : "");
        }
        if (!"none".equals(peer)) {
            Double wall = tsharkSeconds();
            if (wall != null) {
                double tpps = frames / wall;
                out.printf(Locale.ROOT, "%-28s %12.0f %12.1f %10.1f   (whole process, one pass)%n",
                        "tshark -Y tls.handshake", tpps, size / wall, wall * 1e3);
                out.printf(Locale.ROOT, "ratio: nfe capture->dissect steady state is %.1fx tshark's packets/s%n",
                        full / tpps);
            } else {
                out.println("tshark not found: no peer measurement (apt-get install tshark)");
            }
        }
        return 0;
    }

    private static String label(Stage s) {
        return switch (s) {
            case READ -> "read frames";
            case DECODE -> "read + decode to TCP";
            case DISSECT -> "read + decode + dissect";
            case RENDER -> "... + JSON lines (--sessions)";
        };
    }

    private record Counts(long frames, long sessions) {
    }

    private Counts pass(Stage stage) throws IOException {
        long[] sessions = {0};
        JsonRenderer renderer = stage == Stage.RENDER ? new JsonRenderer() : null;
        long[] rendered = {0};
        Dissector dissector = new Dissector(DissectorConfig.defaults(file.toString()), new DissectorOutput() {
            @Override
            public void session(SessionRecord session) {
                sessions[0]++;
                if (renderer != null) {
                    rendered[0] += renderer.session(session).length;
                }
            }

            @Override
            public void finding(Finding finding) {
                if (renderer != null) {
                    rendered[0] += renderer.finding(finding).length;
                }
            }
        });
        boolean dissect = stage == Stage.DISSECT || stage == Stage.RENDER;
        FrameSource src = CaptureFiles.open(file);
        // as replay does: payloads are views of the reader's (never rewritten) buffers
        SegmentDecoder decoder = new SegmentDecoder(dissect ? dissector::segment : s -> { },
                SegmentDecoder.DEFAULT_MAX_TUNNEL_DEPTH, new dev.nfe.capture.decode.DecodeStats(), src.stableBuffers());
        long[] frames = {0};
        long[] lastTs = {0};
        FrameSink sink = stage == Stage.READ
                ? (n, ts, lt, buf, off, cap, orig) -> frames[0]++
                : (n, ts, lt, buf, off, cap, orig) -> {
                    frames[0]++;
                    lastTs[0] = Math.max(lastTs[0], ts);
                    decoder.frame(n, ts, lt, buf, off, cap, orig);
                };
        try (src) {
            while (src.next(sink)) {
                if (dissect && (frames[0] & 16_383) == 0) {
                    dissector.advanceTo(lastTs[0]);
                }
            }
        }
        if (dissect) {
            dissector.finish(lastTs[0]);
        }
        return new Counts(frames[0], sessions[0]);
    }

    private Double tsharkSeconds() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", file.toString(), "-Y", "tls.handshake.type==1",
                "-T", "fields", "-e", "tcp.stream"));
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                return null;
            }
            return (System.nanoTime() - t0) / 1e9;
        } catch (IOException e) {
            return null;
        }
    }
}
