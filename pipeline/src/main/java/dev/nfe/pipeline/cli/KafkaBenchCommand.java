package dev.nfe.pipeline.cli;

import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.finding.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.kafka.GroupProgress;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.TopicSetup;
import dev.nfe.pipeline.kafka.agent.AgentOptions;
import dev.nfe.pipeline.kafka.agent.AgentReport;
import dev.nfe.pipeline.kafka.agent.KafkaAgent;
import dev.nfe.pipeline.kafka.dissect.DissectOptions;
import dev.nfe.pipeline.kafka.dissect.KafkaDissector;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.pipeline.replay.ProgressListener;
import dev.nfe.pipeline.replay.ReplayEngine;
import dev.nfe.pipeline.replay.ReplayOptions;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.kafka.clients.admin.Admin;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

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
                        .desc("the dissector's commit interval (default 1000, as nfe dissect)").get()));
    }

    @Override
    int execute(CommandLine cl, PrintStream out, PrintStream err) throws Exception {
        if (cl.getArgList().size() != 1) {
            throw new UsageException("give exactly one capture file");
        }
        String file = cl.getArgList().get(0);
        int rounds = intOption(cl, "rounds", 3, 1);
        List<String> input = java.util.Collections.nCopies(intOption(cl, "repeat", 3, 1), file);
        int commitMs = intOption(cl, "commit-interval", 1000, 10);
        int dissectors = intOption(cl, "dissectors", 2, 1);
        KafkaSettings base = KafkaOptions.settings(cl);
        String run = "bench" + System.currentTimeMillis() + ".";

        replay(input); // warm-up: class loading and JIT for the dissector, shared by all stages
        long segments = 0;
        double[] replayRates = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            segments = replay(input);
            replayRates[i] = segments / seconds(t0);
        }
        double replayRate = median(replayRates);
        out.printf(Locale.ROOT, "capture: %s x %d, %,d segments; %d dissector(s), commits every %d ms%n", file,
                input.size(), segments, dissectors, commitMs);
        // an unmeasured round, so that the Kafka client paths are compiled before the first measurement
        KafkaSettings warm = withPrefix(base, run + "warmup.");
        TopicSetup.ensure(warm, 6);
        dissect(warm, "g", commitMs, dissectors, () -> agent(warm, input, Long.MAX_VALUE));
        out.printf(Locale.ROOT, "%-34s %,12.0f segments/s (median of %d)%n", "in-process replay (2 workers)", replayRate, rounds);

        for (long budget : new long[] {AgentOptions.DEFAULT_PAYLOAD_BUDGET, Long.MAX_VALUE}) {
            String label = budget == Long.MAX_VALUE ? "budget off" : "budget " + budget / 1024 + " KiB";
            double[] agent = new double[rounds];
            double[] dissect = new double[rounds];
            double[] endToEnd = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                // stage 1 then stage 2, one after the other on the same topics
                KafkaSettings s = withPrefix(base, run + "stages" + budget + "r" + i + ".");
                TopicSetup.ensure(s, 6);
                long t0 = System.nanoTime();
                AgentReport r = agent(s, input, budget);
                agent[i] = r.published() / seconds(t0);
                t0 = System.nanoTime();
                dissect(s, "g", commitMs, dissectors, () -> { });
                dissect[i] = r.published() / seconds(t0);
                // both at once, as in production
                KafkaSettings e = withPrefix(base, run + "e2e" + budget + "r" + i + ".");
                TopicSetup.ensure(e, 6);
                long[] published = new long[1];
                t0 = System.nanoTime();
                dissect(e, "g", commitMs, dissectors, () -> published[0] = agent(e, input, budget).published());
                endToEnd[i] = published[0] / seconds(t0);
            }
            double e2e = median(endToEnd);
            out.printf(Locale.ROOT, "%-34s %,12.0f segments/s%n", "agent -> Kafka (" + label + ")", median(agent));
            out.printf(Locale.ROOT, "%-34s %,12.0f segments/s%n", "Kafka -> dissector (" + label + ")", median(dissect));
            out.printf(Locale.ROOT, "%-34s %,12.0f segments/s = %.2f x in-process replay%n",
                    "end to end (" + label + ")", e2e, e2e / replayRate);
        }
        try (Admin admin = Admin.create(base.merge(new Properties(), new Properties()))) {
            List<String> mine = admin.listTopics().names().get().stream().filter(t -> t.startsWith(run)).toList();
            admin.deleteTopics(mine).all().get();
        }
        return 0;
    }

    private static KafkaSettings withPrefix(KafkaSettings base, String prefix) {
        return new KafkaSettings(base.bootstrap(), base.userConfig(), dev.nfe.pipeline.kafka.Topics.withPrefix(prefix));
    }

    private static AgentReport agent(KafkaSettings s, List<String> input, long budget) throws InterruptedException {
        return new KafkaAgent(s, new AgentOptions("bench", budget, AgentOptions.DEFAULT_BUDGET_FLOWS, 16_384, 6,
                CaptureFiles::open)).run(input);
    }

    /** Runs the dissector instances while {@code during} runs, until the group has caught up with the topic. */
    private static void dissect(KafkaSettings s, String group, int commitMs, int instances, ThrowingRunnable during)
            throws Exception {
        List<KafkaDissector> ds = new java.util.ArrayList<>();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < instances; i++) {
            KafkaDissector d = new KafkaDissector(s, new DissectOptions(group, "bench" + i, commitMs,
                    DissectorConfig.defaults("")));
            Thread t = new Thread(d::run, "nfe-bench-dissector-" + i);
            t.start();
            ds.add(d);
            threads.add(t);
        }
        try (Admin admin = Admin.create(s.merge(new Properties(), new Properties()))) {
            // all members joined (fresh group: no rebalance in the middle of the measurement)
            while (ds.stream().mapToInt(KafkaDissector::assignedPartitions).sum() < 6
                    || ds.stream().anyMatch(d -> d.assignedPartitions() == 0)) {
                Thread.sleep(10);
            }
            during.run();
            while (!GroupProgress.caughtUp(admin, group, s.topics().segments())) {
                Thread.sleep(20);
            }
        } finally {
            ds.forEach(KafkaDissector::stop);
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static long replay(List<String> input) throws InterruptedException {
        ReplayOptions o = new ReplayOptions(2, 512, 16_384, 8, DissectorConfig.defaults(""), CaptureFiles::open,
                300_000_000_000L, 2);
        long[] segments = new long[1];
        ReplayEngine engine = new ReplayEngine(o, ProgressListener.NONE);
        ReplayEngine.Result r = engine.run(input, new ResultSink() {
            @Override
            public boolean wantsJson() {
                return false;
            }

            @Override
            public void session(SessionRecord s, byte[] json, int off, int len) {
            }

            @Override
            public void finding(SessionRecord s, Finding f, byte[] json, int off, int len) {
            }

            @Override
            public void incident(Incident i) {
            }

            @Override
            public void summary(RunSummary summary) {
                summary.captures().forEach(c -> segments[0] += c.segments());
            }
        });
        if (r.exitCode() != 0) {
            throw new IllegalStateException("replay failed: " + r.errors());
        }
        return segments[0];
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }
}
