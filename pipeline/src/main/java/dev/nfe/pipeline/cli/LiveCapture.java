package dev.nfe.pipeline.cli;

import dev.nfe.pipeline.kafka.KafkaClientMetricsBinding;
import dev.nfe.pipeline.Defaults;

import dev.nfe.capture.live.LiveCaptureException;
import dev.nfe.capture.live.LiveOptions;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.incident.IncidentConfig;
import dev.nfe.dissect.incident.IncidentEngine;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.KafkaSetupException;
import dev.nfe.pipeline.kafka.TopicSetup;
import dev.nfe.pipeline.kafka.agent.AgentOptions;
import dev.nfe.pipeline.kafka.agent.LiveKafkaOutput;
import dev.nfe.pipeline.live.LiveAgent;
import dev.nfe.pipeline.live.LiveAgentOptions;
import dev.nfe.pipeline.live.LiveMetrics;
import dev.nfe.pipeline.metrics.NfeMetrics;
import dev.nfe.pipeline.live.LiveOutput;
import dev.nfe.pipeline.live.LiveReport;
import dev.nfe.pipeline.live.LocalOutput;
import dev.nfe.pipeline.output.CaptureStats;
import dev.nfe.pipeline.output.Outputs;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.SinkSet;
import dev.nfe.pipeline.evidence.FrameStore;
import dev.nfe.pipeline.evidence.LiveEvidenceSink;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The live half of {@code nfe agent}: {@code --interface IF...}, to Kafka with {@code --kafka},
 * else dissected in process and printed like {@code nfe replay} prints. Runs until SIGTERM or
 * SIGINT, then drains, finalises every open connection and exits 0.
 */
final class LiveCapture {
    private static final long SECOND = LiveAgentOptions.SECOND;

    private LiveCapture() {
    }

    static Options add(Options o) {
        return LiveEvidenceOptions.add(OutputOptions.add(o, "without --kafka: ")).addOption(Option.builder("i").longOpt("interface").hasArgs().argName("IF")
                        .desc("capture live on IF (repeat, or 'any' for all); runs until SIGTERM/SIGINT").get())
                .addOption(Option.builder().longOpt("filter").hasArg().argName("BPF")
                        .desc("capture filter, tcpdump syntax (default '" + LiveOptions.DEFAULT_FILTER + "')").get())
                .addOption(Option.builder().longOpt("snaplen").hasArg().argName("BYTES")
                        .desc("bytes kept per packet (default " + LiveOptions.DEFAULT_SNAPLEN + ")").get())
                .addOption(Option.builder().longOpt("buffer-size").hasArg().argName("BYTES")
                        .desc("kernel capture buffer per interface (default " + LiveOptions.DEFAULT_BUFFER + ")").get())
                .addOption(null, "immediate", false, "let the kernel hand packets over one by one (TPACKET_V2, one"
                        + " 64 KiB slot each: a 64 MiB buffer holds ~1,000 packets) instead of in ring blocks")
                .addOption(null, "promiscuous", false, "also capture traffic not addressed to this host")
                .addOption(Option.builder().longOpt("stats-interval").hasArg().argName("SECONDS")
                        .desc("how often capture counters are logged and published (default " + Defaults.STATS_INTERVAL_SECONDS + ")").get())
                .addOption(Option.builder().longOpt("queue-bytes").hasArg().argName("BYTES")
                        .desc("memory for packets waiting between capture and processing; beyond it packets are"
                                + " dropped and counted (default " + LiveAgentOptions.DEFAULT_QUEUE_BYTES + ")").get())
                .addOption(Option.builder().longOpt("drain-timeout").hasArg().argName("SECONDS")
                        .desc("on stop, how long to wait for Kafka to take what is pending (default "
                                + Defaults.DRAIN_TIMEOUT_SECONDS + ")").get());
    }

    static int run(CommandLine cl, String agentId, long payloadBudget, PrintStream err) throws Exception {
        NfeMetrics metrics;
        try {
            NfeMetrics served = MetricsOption.open(cl, "agent");
            metrics = served != null ? served : NfeMetrics.open("agent", null);
        } catch (IOException e) {
            err.println("nfe: " + e.getMessage());
            return 2;
        }
        try (metrics) {
            return run(cl, agentId, payloadBudget, metrics, err);
        }
    }

    private static int run(CommandLine cl, String agentId, long payloadBudget, NfeMetrics metrics, PrintStream err)
            throws Exception {
        List<String> interfaces = List.of(cl.getOptionValues("interface"));
        LiveOptions capture = new LiveOptions(cl.getOptionValue("filter", LiveOptions.DEFAULT_FILTER),
                Command.intOption(cl, "snaplen", LiveOptions.DEFAULT_SNAPLEN, 64),
                Command.intOption(cl, "buffer-size", LiveOptions.DEFAULT_BUFFER, 65_536), cl.hasOption("immediate"),
                LiveOptions.DEFAULT_TIMEOUT_MILLIS, cl.hasOption("promiscuous"));
        long queueBytes = Command.longOption(cl, "queue-bytes", LiveAgentOptions.DEFAULT_QUEUE_BYTES, 1 << 20);
        LiveAgentOptions options = new LiveAgentOptions(agentId, interfaces, capture,
                LiveAgentOptions.DEFAULT_QUEUE_FRAMES, queueBytes,
                Command.intOption(cl, "stats-interval", Defaults.STATS_INTERVAL_SECONDS, 1) * SECOND,
                Defaults.LIVE_TICK_MILLIS * 1_000_000, Defaults.LIVE_CLOCK_LAG_MILLIS * 1_000_000,
                Command.intOption(cl, "drain-timeout", Defaults.DRAIN_TIMEOUT_SECONDS, 0) * SECOND);
        if (cl.hasOption("kafka")) {
            for (String local : new String[] {"format", "sessions", "out"}) {
                if (cl.hasOption(local)) {
                    throw new Command.UsageException("--" + local + " is for the no-Kafka mode; with --kafka results"
                            + " go to the topics (read them with nfe findings)");
                }
            }
            LiveEvidenceOptions.refuse(cl, "is for the no-Kafka mode: with --kafka the connections are dissected"
                    + " in the dissector group, where the frames are not");
            KafkaSettings settings = KafkaOptions.settings(cl);
            try {
                TopicSetup.ensure(settings, Command.intOption(cl, "partitions", Defaults.SEGMENT_PARTITIONS, 1));
            } catch (KafkaSetupException e) {
                err.println("nfe: " + e.getMessage());
                return 4;
            }
            return capture(options, new LiveKafkaOutput(settings, agentId, payloadBudget,
                    Defaults.BUDGET_FLOWS, p -> KafkaClientMetricsBinding.bind(metrics, p)), null, metrics, err);
        }
        DissectorConfig dissect = DissectorConfig.defaults("")
                .withResetTimeout(Defaults.LIVE_RESET_TIMEOUT_MILLIS * 1_000_000);
        IncidentConfig incidentConfig = IncidentConfig.defaults()
                .withLateness(Defaults.LIVE_INCIDENT_LATENESS_SECONDS * SECOND);
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < interfaces.size(); i++) {
            sources.add(options.source(i));
        }
        // a quiet connection the dissector never reported goes a minute after it would have been
        LiveEvidenceSink evidence = LiveEvidenceOptions.open(cl, sources, dissect.idleTimeoutNanos() + 60 * SECOND,
                incidentConfig.gapNanos() + incidentConfig.latenessNanos());
        try (Outputs outputs = Outputs.open(OutputOptions.spec(cl, interfaces.size() > 1, true))) {
            // the evidence sink first, beside the chosen outputs: it needs the agent's frame store, which
            // only this command has; and it hears which incident each failure joined
            ResultSink sink = evidence == null ? outputs.sink() : SinkSet.of(List.of(evidence, outputs.sink()));
            IncidentEngine engine = evidence == null ? new IncidentEngine(incidentConfig)
                    : new IncidentEngine(incidentConfig, sink::joined);
            LocalOutput output = new LocalOutput(dissect, sink, engine, new LocalOutput.Listener() {
                        @Override
                        public void session(SessionRecord s) {
                            metrics.countSession(s.outcome().name());
                        }

                        @Override
                        public void finding(Finding f) {
                            metrics.countFinding(f.kind().name());
                        }
                    });
            metrics.gauge("nfe_open_flows", "connections open in the in-process dissectors", output::openFlows);
            int exit = capture(options, output, evidence == null ? null : evidence.store(), metrics, err);
            return LiveEvidenceOptions.report(evidence, cl.getOptionValue("evidence"), err, exit);
        } catch (IOException e) {
            err.println("nfe: cannot write results: " + e.getMessage());
            return 1;
        }
    }

    private static int capture(LiveAgentOptions options, LiveOutput output, FrameStore evidence, NfeMetrics metrics,
                               PrintStream err) throws Exception {
        LiveAgent agent;
        try {
            agent = new LiveAgent(options, output, evidence);
        } catch (LiveCaptureException e) {
            err.println("nfe: " + e.getMessage());
            return 2;
        }
        LiveMetrics.register(metrics, agent, output);
        Signals.onTerminate(agent::stop);
        LiveReport r = agent.run();
        for (CaptureStats s : r.stats()) {
            err.printf(Locale.ROOT, "nfe agent: %s: %,d packets received, %,d processed, %,d segments; dropped by the"
                            + " kernel %,d, the interface %,d, the queue %,d, Kafka %,d%n", s.source(), s.pcapReceived(),
                    s.processed(), s.segments(), s.pcapDropped(), s.pcapIfDropped(), s.queueDropped(), s.kafkaDropped());
        }
        r.errors().forEach(e -> err.println("nfe: " + e));
        return r.exitCode();
    }
}
