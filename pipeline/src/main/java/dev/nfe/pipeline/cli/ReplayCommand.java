package dev.nfe.pipeline.cli;

import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.capture.pcap4j.LibpcapFileSource;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.pipeline.output.JsonLinesSink;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.TextSink;
import dev.nfe.pipeline.replay.CaptureOpener;
import dev.nfe.pipeline.replay.ProgressListener;
import dev.nfe.pipeline.replay.ReplayEngine;
import dev.nfe.pipeline.replay.ReplayOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code nfe replay FILE...}: offline replay of capture files, in process, no Kafka. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replays capture files (pcap/pcapng) and reports every failed TLS handshake.",
                "Exit status: 0 ok, 2 an input is not a capture, 3 a capture is damaged (results up to the damage are printed)."})
final class ReplayCommand implements Callable<Integer> {

    enum Format { text, jsonl }

    enum Reader { plain, libpcap }

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "capture files, read in the order given")
    List<String> files;

    @Option(names = "--format", defaultValue = "text", description = "text (for people) or jsonl (the JSON-lines contract); default: ${DEFAULT-VALUE}")
    Format format;

    @Option(names = "--sessions", description = "also write every session, not only failures")
    boolean sessions;

    @Option(names = "--reader", defaultValue = "plain", description = "plain (fast Java reader) or libpcap (pcap4j); default: ${DEFAULT-VALUE}")
    Reader reader;

    @Option(names = "--workers", description = "dissector threads (default: number of CPUs)")
    Integer workers;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "write results to FILE instead of standard output")
    Path out;

    @Option(names = "--progress", negatable = true, description = "progress on stderr (default: when stderr is a terminal)")
    Boolean progress;

    @Option(names = "--max-flows", defaultValue = "262144", description = "open connections kept per worker; default: ${DEFAULT-VALUE}")
    int maxFlows;

    @Option(names = "--incident-gap", defaultValue = "300", paramLabel = "SECONDS",
            description = "quiet time that separates two incidents of one server; default: ${DEFAULT-VALUE}")
    long incidentGapSeconds;

    @Option(names = "--incident-min", defaultValue = "2", description = "smallest group reported as an incident; default: ${DEFAULT-VALUE}")
    int incidentMin;

    @Override
    public Integer call() throws Exception {
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        CaptureOpener opener = reader == Reader.libpcap ? LibpcapFileSource::open : CaptureFiles::open;
        int n = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        ReplayOptions options = new ReplayOptions(Math.max(1, n), 512, 16_384, 8,
                DissectorConfig.defaults("").withMaxFlows(maxFlows), opener,
                incidentGapSeconds * 1_000_000_000L, incidentMin);
        boolean showProgress = progress != null ? progress : StderrTerminal.isTerminal();
        ReplayEngine engine = new ReplayEngine(options, showProgress ? new StderrProgress(err) : ProgressListener.NONE);

        List<String> problems = engine.validate(files);
        if (!problems.isEmpty()) {
            for (String p : problems) {
                err.println("nfe: " + p);
            }
            return 2;
        }
        try (OutputStream os = out != null ? new FileOutputStream(out.toFile())
                : new FileOutputStream(FileDescriptor.out);
             BufferedOutputStream buffered = new BufferedOutputStream(os, 1 << 16)) {
            ResultSink sink = format == Format.jsonl
                    ? new JsonLinesSink(buffered, sessions)
                    : new TextSink(new PrintStream(buffered, false, StandardCharsets.UTF_8), files.size() > 1);
            ReplayEngine.Result result = engine.run(files, sink);
            buffered.flush();
            if (showProgress) {
                err.print("\r\033[K");
            }
            for (String e : result.errors()) {
                err.println("nfe: " + e);
            }
            return result.exitCode();
        } catch (IOException e) {
            err.println("nfe: cannot write results: " + e.getMessage());
            return 1;
        }
    }

    /** "\rnfe: capture.pcap 45% 1,234,567 frames" on a terminal. */
    private static final class StderrProgress implements ProgressListener {
        private final PrintStream err;
        private long lastPrint;

        StderrProgress(PrintStream err) {
            this.err = err;
        }

        @Override
        public void progress(String capture, long position, long size, long frames) {
            long now = System.nanoTime();
            if (now - lastPrint < 250_000_000L) {
                return;
            }
            lastPrint = now;
            String pct = size > 0 ? String.format(Locale.ROOT, "%3d%%", position * 100 / size) : "";
            err.printf(Locale.ROOT, "\r\033[Knfe: %s %s %,d frames", capture, pct, frames);
        }
    }
}
