package dev.nfe.pipeline.cli;

import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.capture.pcap4j.LibpcapFileSource;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.pipeline.Defaults;
import dev.nfe.pipeline.evidence.EvidenceSpec;
import dev.nfe.pipeline.output.OutputSpec;
import dev.nfe.pipeline.output.Outputs;
import dev.nfe.pipeline.replay.CaptureOpener;
import dev.nfe.pipeline.replay.ProgressListener;
import dev.nfe.pipeline.replay.ReplayEngine;
import dev.nfe.pipeline.replay.ReplayOptions;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** {@code nfe replay FILE...}: offline replay of capture files, in process, no Kafka. */
final class ReplayCommand extends Command {

    @Override
    String name() {
        return "replay";
    }

    @Override
    String summary() {
        return "replay capture files (pcap/pcapng) and report every failed TLS handshake";
    }

    @Override
    String operands() {
        return "FILE...";
    }

    @Override
    String footer() {
        return "\nExit status: 0 ok, 2 an input is not a capture or DIR cannot be written (nothing is processed), "
                + "3 a capture is damaged (results up to the damage are printed), 5 the results are printed but "
                + "evidence asked for is missing (an --incident id no incident has, a capture changed between "
                + "the passes, DIR filled up).";
    }

    @Override
    Options options() {
        return EvidenceOptions.add(OutputOptions.add(new Options(), ""),
                        "with --evidence: write only these incidents' evidence (repeat, or separate with commas)")
                .addOption(Option.builder().longOpt("reader").hasArg().argName("plain|libpcap")
                        .desc("plain (fast Java reader, default) or libpcap (through pcap4j)").get())
                .addOption(Option.builder().longOpt("workers").hasArg().argName("N")
                        .desc("dissector threads; flows are sharded by flow hash (default: CPUs)").get())
                .addOption(null, "progress", false, "progress on stderr (default: when stderr is a terminal)")
                .addOption(null, "no-progress", false, "no progress on stderr")
                .addOption(Option.builder().longOpt("max-flows").hasArg().argName("N")
                        .desc("open connections kept per worker (default " + DissectorConfig.DEFAULT_MAX_FLOWS + ")").get())
                .addOption(Option.builder().longOpt("incident-gap").hasArg().argName("SECONDS")
                        .desc("quiet time that separates two incidents of one server (default " + Defaults.INCIDENT_GAP_SECONDS
                                + ")").get())
                .addOption(Option.builder().longOpt("incident-min").hasArg().argName("N")
                        .desc("smallest group reported as an incident (default " + Defaults.INCIDENT_MIN + ")").get());
    }

    @Override
    int execute(CommandLine cl, PrintStream out, PrintStream err) throws Exception {
        List<String> files = cl.getArgList();
        if (files.isEmpty()) {
            throw new UsageException("no capture file given");
        }
        String reader = choice(cl, "reader", "plain", "plain", "libpcap");
        int workers = intOption(cl, "workers", Runtime.getRuntime().availableProcessors(), 1);
        int maxFlows = intOption(cl, "max-flows", DissectorConfig.DEFAULT_MAX_FLOWS, 1);
        int incidentGap = intOption(cl, "incident-gap", Defaults.INCIDENT_GAP_SECONDS, 1);
        int incidentMin = intOption(cl, "incident-min", Defaults.INCIDENT_MIN, 1);
        CaptureOpener opener = reader.equals("libpcap") ? LibpcapFileSource::open : CaptureFiles::open;
        ReplayOptions options = ReplayOptions.defaults(workers, DissectorConfig.defaults("").withMaxFlows(maxFlows), opener)
                .withIncidents(incidentGap * 1_000_000_000L, incidentMin);
        boolean showProgress = cl.hasOption("progress") || (!cl.hasOption("no-progress") && StderrTerminal.isTerminal());
        ReplayEngine engine = new ReplayEngine(options, showProgress ? new StderrProgress(err) : ProgressListener.NONE);

        if (cl.hasOption("incident") && !cl.hasOption("evidence")) {
            throw new UsageException("--incident names the incidents whose evidence to write: it needs --evidence DIR");
        }
        OutputSpec spec = OutputOptions.spec(cl, files.size() > 1, false);
        List<String> problems = engine.validate(files);
        if (!problems.isEmpty()) {
            for (String p : problems) {
                err.println("nfe: " + p);
            }
            return 2;
        }
        EvidenceSpec evidence = EvidenceOptions.spec(cl, files);
        try (Outputs outputs = Outputs.open(spec.withEvidence(evidence))) {
            ReplayEngine.Result result = engine.run(files, outputs.sink());
            outputs.flush();
            if (showProgress) {
                err.print("\r\033[K");
            }
            for (String e : result.errors()) {
                err.println("nfe: " + e);
            }
            return EvidenceOptions.report(outputs.evidence(), evidence, err, result.exitCode());
        } catch (IOException e) {
            err.println("nfe: cannot write results: " + e.getMessage());
            return 1;
        }
    }

    /** "\rnfe: capture.pcap 45% 1,234,567 frames" on a terminal, at most four times a second. */
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
