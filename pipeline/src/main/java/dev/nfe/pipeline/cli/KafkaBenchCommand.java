package dev.nfe.pipeline.cli;

import dev.nfe.pipeline.Defaults;

import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.bench.KafkaBench;
import dev.nfe.pipeline.output.JsonLinesSink;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.pipeline.output.SinkSet;
import dev.nfe.pipeline.replay.ProgressListener;
import dev.nfe.pipeline.replay.ReplayEngine;
import dev.nfe.pipeline.replay.ReplayOptions;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code nfe bench-kafka --kafka HOST:PORT FILE}: segments/s of the Kafka path on this machine,
 * per stage (agent → topic; topic → dissector → results) and end to end (both at once), with
 * the payload budget on and off, against in-process replay of the same file in the same run.
 * Every run uses fresh topics and a fresh group, so nothing is cached between them.
 */
final class KafkaBenchCommand extends Command {

    @Override
    String name() {
        return "bench-kafka";
    }

    @Override
    String summary() {
        return "segments/s of agent -> Kafka -> dissector per stage and end to end, against in-process replay";
    }

    @Override
    String operands() {
        return "--kafka HOST:PORT FILE";
    }

    @Override
    Options options() {
        return KafkaOptions.add(new Options()
                .addOption(Option.builder().longOpt("rounds").hasArg().argName("N")
                        .desc("measured rounds per configuration; the median is reported (default 3)").get())
                .addOption(Option.builder().longOpt("repeat").hasArg().argName("N")
                        .desc("the agent publishes the file N times per run, so that a run lasts long enough"
                                + " for the last commit not to dominate (default 3)").get())
                .addOption(Option.builder().longOpt("dissectors").hasArg().argName("N")
                        .desc("dissector instances in the group, each its own consumer and thread (default 2,"
                                + " like replay's 2 workers)").get())
                .addOption(Option.builder().longOpt("commit-interval").hasArg().argName("MS")
                        .desc("the dissector's commit interval (default " + Defaults.COMMIT_INTERVAL_MS + ", as nfe dissect)").get())
                .addOption(null, "no-incidents", false, "dissectors without observations and incidents apps"
                        + " (as nfe dissect --no-incidents)"));
    }

    @Override
    int execute(CommandLine cl, PrintStream out, PrintStream err) throws Exception {
        if (cl.getArgList().size() != 1) {
            throw new UsageException("give exactly one capture file");
        }
        String file = cl.getArgList().get(0);
        int rounds = intOption(cl, "rounds", 3, 1);
        List<String> input = java.util.Collections.nCopies(intOption(cl, "repeat", 3, 1), file);
        int commitMs = intOption(cl, "commit-interval", Defaults.COMMIT_INTERVAL_MS, 10);
        int dissectors = intOption(cl, "dissectors", 2, 1);
        KafkaSettings base = KafkaOptions.settings(cl);

        replay(input, false); // warm-up: class loading and JIT for the dissector, shared by all stages
        replay(input, true);
        long segments = 0;
        double[] replayRates = new double[rounds];
        double[] replayCpu = new double[rounds];
        double[] writingRates = new double[rounds];
        double[] writingCpu = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            // alternated, so that both peers see the same moments of a noisy machine
            segments = timedReplay(input, false, replayRates, replayCpu, i);
            timedReplay(input, true, writingRates, writingCpu, i);
        }
        double replayRate = KafkaBench.median(replayRates);
        double writingRate = KafkaBench.median(writingRates);
        out.printf(Locale.ROOT, "capture: %s x %d, %,d segments; %d dissector(s), commits every %d ms%n", file,
                input.size(), segments, dissectors, commitMs);
        boolean incidents = !cl.hasOption("no-incidents");
        out.printf(Locale.ROOT, "incidents: %s%n", incidents ? "on (observations published, an incidents app per dissector)"
                : "off");
        try (KafkaBench bench = new KafkaBench(base, input, rounds, commitMs, dissectors, incidents)) {
            bench.warmUp();
            out.printf(Locale.ROOT, "%-34s %,12.0f segments/s (median of %d), %.2f us CPU per segment%n",
                    "in-process replay (2 workers)", replayRate, rounds, KafkaBench.median(replayCpu));
            // the Kafka path publishes every session, finding and observation; this peer renders the
            // sessions and findings (as nfe replay --sessions --format jsonl) and discards the bytes
            out.printf(Locale.ROOT, "%-34s %,12.0f segments/s (median of %d), %.2f us CPU per segment%n",
                    "  the same, writing JSON lines", writingRate, rounds, KafkaBench.median(writingCpu));
            for (long budget : new long[] {Defaults.PAYLOAD_BUDGET, Long.MAX_VALUE}) {
                String label = budget == Long.MAX_VALUE ? "budget off" : "budget " + budget / 1024 + " KiB";
                KafkaBench.Rates r = bench.measure(budget);
                out.printf(Locale.ROOT, "%-34s %,12.0f segments/s, %.2f us CPU per segment (nfe; broker apart)%n",
                        "agent -> Kafka (" + label + ")", r.agent(), r.agentCpuMicros());
                out.printf(Locale.ROOT, "%-34s %,12.0f segments/s, %.2f us CPU per segment (nfe; broker apart)%n",
                        "Kafka -> dissector (" + label + ")", r.dissect(), r.dissectCpuMicros());
                out.printf(Locale.ROOT, "%-34s %,12.0f segments/s = %.2f x in-process replay"
                                + " (%.2f x replay writing JSON lines)%n",
                        "end to end (" + label + ")", r.endToEnd(), r.endToEnd() / replayRate,
                        r.endToEnd() / writingRate);
                cpuBudget(out, r, replayRate);
            }
        }
        return 0;
    }

    /**
     * Where the end-to-end CPU goes, and what reaching half of in-process replay would allow: with
     * every role on this machine, segments/s can be at most cores / (busy CPU per segment), so half
     * the in-process rate needs the whole machine (broker included) under cores / (rate / 2).
     */
    private static void cpuBudget(PrintStream out, KafkaBench.Rates r, double replayRate) {
        int cores = Runtime.getRuntime().availableProcessors();
        double allowed = cores * 1e6 / (replayRate / 2);
        if (r.endToEndMachineCpuMicros() < 0) {
            out.printf(Locale.ROOT, "%-34s nfe %.2f us per segment (the machine's total is unknown here)%n",
                    "  CPU, end to end", r.endToEndCpuMicros());
            return;
        }
        out.printf(Locale.ROOT, "%-34s nfe %.2f us + the rest (the broker) %.2f us = %.2f us per segment;"
                        + " half the in-process rate on %d cores allows %.2f us%n",
                "  CPU, end to end", r.endToEndCpuMicros(),
                r.endToEndMachineCpuMicros() - r.endToEndCpuMicros(), r.endToEndMachineCpuMicros(), cores, allowed);
    }

    /** Replays the input once, keeping its segments/s and CPU µs per segment at {@code i}; returns its segments. */
    private static long timedReplay(List<String> input, boolean writing, double[] rates, double[] cpuMicros, int i)
            throws InterruptedException {
        long t0 = System.nanoTime();
        long c0 = KafkaBench.cpuNanos();
        long segments = replay(input, writing);
        rates[i] = segments / ((System.nanoTime() - t0) / 1e9);
        cpuMicros[i] = (KafkaBench.cpuNanos() - c0) / 1e3 / segments;
        return segments;
    }

    /** Replays the input; {@code writing}: renders sessions and findings as JSON lines into nothing. */
    private static long replay(List<String> input, boolean writing) throws InterruptedException {
        ReplayOptions o = ReplayOptions.defaults(2, DissectorConfig.defaults(""), CaptureFiles::open);
        long[] segments = new long[1];
        ReplayEngine engine = new ReplayEngine(o, ProgressListener.NONE);
        ResultSink counter = new ResultSink() {

            @Override
            public void session(SessionRecord s) {
            }

            @Override
            public void finding(Finding f) {
            }

            @Override
            public void incident(Incident i) {
            }

            @Override
            public void summary(RunSummary summary) {
                summary.captures().forEach(c -> segments[0] += c.segments());
            }
        };
        ResultSink sink = writing ? SinkSet.of(List.of(new JsonLinesSink(OutputStream.nullOutputStream(), true),
                counter)) : counter;
        ReplayEngine.Result r = engine.run(input, sink);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("replay failed: " + r.errors());
        }
        return segments[0];
    }
}
