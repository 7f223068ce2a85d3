package dev.nfe.pipeline.kafka.bench;

import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.pipeline.Defaults;
import dev.nfe.pipeline.kafka.GroupProgress;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.Topics;
import dev.nfe.pipeline.kafka.TopicSetup;
import dev.nfe.pipeline.kafka.agent.AgentOptions;
import dev.nfe.pipeline.kafka.agent.AgentReport;
import dev.nfe.pipeline.kafka.agent.KafkaAgent;
import dev.nfe.pipeline.kafka.dissect.DissectOptions;
import dev.nfe.pipeline.kafka.dissect.KafkaDissector;
import dev.nfe.pipeline.kafka.incidents.IncidentsApp;
import dev.nfe.pipeline.kafka.incidents.IncidentsOptions;
import org.apache.kafka.clients.admin.Admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The Kafka path measured on this machine: agent → topic alone, topic → dissector group alone,
 * and both at once (end to end), each on fresh topics and a fresh group, so nothing is cached
 * between rounds. Rates are segments per second; each is the median of {@code rounds}.
 */
public final class KafkaBench implements AutoCloseable {

    /**
     * Medians of one configuration (payload budget on or off): segments/s of each stage alone and end
     * to end, and the CPU time this JVM spent per segment in each stage alone (all its threads: the
     * agent's reader and producer, or the dissectors, their consumers, producers and incidents apps;
     * not the broker's, which is another process); end to end, the CPU per segment of this JVM and of
     * the whole machine (every process: the broker too; -1 where the machine's is unknown).
     */
    public record Rates(double agent, double dissect, double endToEnd, double agentCpuMicros, double dissectCpuMicros,
                        double endToEndCpuMicros, double endToEndMachineCpuMicros) {
    }

    private final KafkaSettings base;
    private final List<String> input;
    private final int rounds;
    private final int commitMs;
    private final int dissectors;
    private final boolean incidents;
    private final String run = "bench" + System.currentTimeMillis() + ".";

    /**
     * @param incidents as {@code nfe dissect} runs by default: the dissectors publish observations
     *                  and each runs an incidents app (off: neither, as {@code --no-incidents})
     */
    public KafkaBench(KafkaSettings base, List<String> input, int rounds, int commitMs, int dissectors,
                      boolean incidents) {
        this.base = base;
        this.input = List.copyOf(input);
        this.rounds = rounds;
        this.commitMs = commitMs;
        this.dissectors = dissectors;
        this.incidents = incidents;
    }

    /** An unmeasured round, so that the Kafka client paths are compiled before the first measurement. */
    public void warmUp() throws Exception {
        KafkaSettings warm = fresh("warmup.");
        dissect(warm, () -> agent(warm, Long.MAX_VALUE));
    }

    /** Measures the stages alone and end to end with this payload budget ({@code Long.MAX_VALUE}: off). */
    public Rates measure(long budget) throws Exception {
        double[] agent = new double[rounds];
        double[] dissect = new double[rounds];
        double[] endToEnd = new double[rounds];
        double[] agentCpu = new double[rounds];
        double[] dissectCpu = new double[rounds];
        double[] endToEndCpu = new double[rounds];
        double[] endToEndMachine = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            // stage 1 then stage 2, one after the other on the same topics
            KafkaSettings s = fresh("stages" + budget + "r" + i + ".");
            Instant t0 = Instant.now();
            AgentReport r = agent(s, budget);
            Instant t1 = Instant.now();
            agent[i] = r.published() / t1.secondsAfter(t0);
            agentCpu[i] = t1.cpuMicrosAfter(t0) / r.published();
            // timed from the first member's assignment: on a backlog it starts alone, and the
            // second member's join (noticed at its next heartbeat) is part of this stage
            Span span = dissect(s, () -> { });
            dissect[i] = r.published() / span.end().secondsAfter(span.firstAssigned());
            dissectCpu[i] = span.end().cpuMicrosAfter(span.firstAssigned()) / r.published();
            // both at once, as in production, timed from the agent's start: the group has formed by
            // then (on fresh topics a second member's join is noticed at the first one's next
            // heartbeat, up to 3 s later; that wait is the group's start-up, not the data path's)
            KafkaSettings e = fresh("e2e" + budget + "r" + i + ".");
            long[] published = new long[1];
            Instant[] started = new Instant[1];
            Span done = dissect(e, () -> {
                started[0] = Instant.now();
                published[0] = agent(e, budget).published();
            });
            endToEnd[i] = published[0] / done.end().secondsAfter(started[0]);
            endToEndCpu[i] = done.end().cpuMicrosAfter(started[0]) / published[0];
            endToEndMachine[i] = done.end().machineMicrosAfter(started[0]) / published[0];
        }
        return new Rates(median(agent), median(dissect), median(endToEnd), median(agentCpu), median(dissectCpu),
                median(endToEndCpu), median(endToEndMachine));
    }

    /** Deletes this run's topics. */
    @Override
    public void close() throws Exception {
        try (Admin admin = Admin.create(base.merge(new Properties(), new Properties()))) {
            // the incidents apps' changelogs are named after their application id, which holds the run too
            List<String> mine = admin.listTopics().names().get().stream().filter(t -> t.contains(run)).toList();
            admin.deleteTopics(mine).all().get();
        }
    }

    private KafkaSettings fresh(String name) throws Exception {
        KafkaSettings s = new KafkaSettings(base.bootstrap(), base.userConfig(), Topics.withPrefix(run + name));
        TopicSetup.ensure(s, Defaults.SEGMENT_PARTITIONS);
        return s;
    }

    private AgentReport agent(KafkaSettings s, long budget) throws InterruptedException {
        return new KafkaAgent(s, AgentOptions.defaults("bench", budget, Defaults.SEGMENT_PARTITIONS,
                CaptureFiles::open)).run(input);
    }

    /** A moment: wall clock, this JVM's CPU time and the whole machine's (-1: unknown). */
    private record Instant(long nanos, long cpu, long machine) {
        static Instant now() {
            return new Instant(System.nanoTime(), cpuNanos(), MachineCpu.busyNanos());
        }

        double secondsAfter(Instant from) {
            return (nanos - from.nanos) / 1e9;
        }

        double cpuMicrosAfter(Instant from) {
            return (cpu - from.cpu) / 1e3;
        }

        /** Negative when the machine's CPU time is unknown. */
        double machineMicrosAfter(Instant from) {
            return machine < 0 || from.machine < 0 ? -1 : (machine - from.machine) / 1e3;
        }
    }

    /** When the first dissector got partitions, and when the group (and its incidents apps) had caught up. */
    private record Span(Instant firstAssigned, Instant end) {
    }

    /**
     * Runs the dissector instances while {@code during} runs (once every member has partitions),
     * until the group has caught up with the topic (closing the instances after that is not the data path).
     */
    private Span dissect(KafkaSettings s, ThrowingRunnable during) throws Exception {
        // a group per topic set: an incidents app's state belongs to its group
        String group = s.topics().segments().substring(0, s.topics().segments().length() - "segments".length()) + "g";
        List<KafkaDissector> ds = new ArrayList<>();
        List<IncidentsApp> apps = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        String appId = null;
        for (int i = 0; i < dissectors; i++) {
            KafkaDissector d = new KafkaDissector(s, new DissectOptions(group, "bench" + i, commitMs,
                    DissectorConfig.defaults(""), incidents));
            if (incidents) {
                IncidentsOptions o = IncidentsOptions.defaults(group, "bench" + i, commitMs,
                        Defaults.INCIDENT_GAP_SECONDS * 1_000_000_000L, Defaults.INCIDENT_MIN);
                appId = o.applicationId();
                IncidentsApp app = new IncidentsApp(s, o, null);
                app.start();
                apps.add(app);
            }
            Thread t = new Thread(d::run, "nfe-bench-dissector-" + i);
            t.start();
            ds.add(d);
            threads.add(t);
        }
        try (Admin admin = Admin.create(s.merge(new Properties(), new Properties()))) {
            Instant first = null;
            // all members joined (fresh group: no rebalance in the middle of the measurement)
            while (ds.stream().mapToInt(KafkaDissector::assignedPartitions).sum() < Defaults.SEGMENT_PARTITIONS
                    || ds.stream().anyMatch(d -> d.assignedPartitions() == 0)) {
                if (first == null && ds.stream().anyMatch(d -> d.assignedPartitions() > 0)) {
                    first = Instant.now();
                }
                Thread.sleep(1);
            }
            if (first == null) {
                first = Instant.now();
            }
            during.run();
            while (!GroupProgress.caughtUp(admin, group, s.topics().segments())) {
                Thread.sleep(20);
            }
            // with incidents, the path ends when the incidents apps have taken in every observation
            // (the dissectors published the last ones in the transaction that committed their input)
            while (appId != null && !GroupProgress.caughtUp(admin, appId, s.topics().observations())) {
                Thread.sleep(20);
            }
            return new Span(first, Instant.now());
        } finally {
            ds.forEach(KafkaDissector::stop);
            for (Thread t : threads) {
                t.join();
            }
            apps.forEach(IncidentsApp::close);
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** CPU time of this whole JVM so far, every thread. */
    public static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The median (the upper one of an even count). */
    public static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }
}
