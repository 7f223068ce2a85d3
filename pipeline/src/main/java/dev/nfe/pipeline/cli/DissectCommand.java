package dev.nfe.pipeline.cli;

import dev.nfe.pipeline.Defaults;

import dev.nfe.dissect.DissectorConfig;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.KafkaSetupException;
import dev.nfe.pipeline.kafka.TopicSetup;
import dev.nfe.pipeline.kafka.dissect.DissectOptions;
import dev.nfe.pipeline.kafka.dissect.KafkaDissector;
import dev.nfe.pipeline.kafka.incidents.IncidentsApp;
import dev.nfe.pipeline.kafka.incidents.IncidentsOptions;
import dev.nfe.pipeline.metrics.NfeMetrics;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.PrintStream;

/** {@code nfe dissect --kafka HOST:PORT}: a member of the dissector group, until SIGTERM/SIGINT. */
final class DissectCommand extends Command {

    @Override
    String name() {
        return "dissect";
    }

    @Override
    String summary() {
        return "consume segments from Kafka, write sessions, findings and incidents back (exactly once)";
    }

    @Override
    String operands() {
        return "--kafka HOST:PORT";
    }

    @Override
    String footer() {
        return "\nRuns until SIGTERM or SIGINT, then commits what it has and exits 0. Exit status 2 on bad usage or"
                + " when the --metrics address cannot be served on, 4 when the cluster cannot be used or another"
                + " instance took over this instance's id.";
    }

    @Override
    Options options() {
        return MetricsOption.add(KafkaOptions.add(new Options()
                .addOption(Option.builder().longOpt("group").hasArg().argName("G")
                        .desc("consumer group; instances in one group share the partitions (default nfe-dissect)").get())
                .addOption(Option.builder().longOpt("instance-id").hasArg().argName("ID")
                        .desc("this instance's stable id in the group, unique per running instance"
                                + " (default: the host name)").get())
                .addOption(Option.builder().longOpt("commit-interval").hasArg().argName("MS")
                        .desc("how often results and offsets are committed (default " + Defaults.COMMIT_INTERVAL_MS + ")").get())
                .addOption(Option.builder().longOpt("partitions").hasArg().argName("N")
                        .desc("partitions of the segments topic if it has to be created (default " + Defaults.SEGMENT_PARTITIONS + ")").get())
                .addOption(Option.builder().longOpt("max-flows").hasArg().argName("N")
                        .desc("open connections kept per agent input and partition (default 262144)").get())
                .addOption(null, "no-incidents", false, "publish no observations and run no incidents app"
                        + " (give every instance of a group the same choice)")
                .addOption(Option.builder().longOpt("incident-gap").hasArg().argName("SECONDS")
                        .desc("quiet time that separates two incidents of one server (default "
                                + Defaults.INCIDENT_GAP_SECONDS + "; as replay's)").get())
                .addOption(Option.builder().longOpt("incident-min").hasArg().argName("N")
                        .desc("smallest group reported as an incident (default " + Defaults.INCIDENT_MIN + ")").get())
                .addOption(Option.builder().longOpt("incident-retention").hasArg().argName("SECONDS")
                        .desc("event time a server's observations are kept for its incidents (default and least:"
                                + " 3600 or 4 incident gaps, whichever is more)").get())));
    }

    @Override
    int execute(CommandLine cl, PrintStream out, PrintStream err) throws Exception {
        KafkaSettings settings = KafkaOptions.settings(cl);
        boolean incidents = !cl.hasOption("no-incidents");
        DissectOptions options = new DissectOptions(cl.getOptionValue("group", "nfe-dissect"),
                cl.getOptionValue("instance-id", AgentCommand.hostName()), intOption(cl, "commit-interval", Defaults.COMMIT_INTERVAL_MS, 10),
                DissectorConfig.defaults("").withMaxFlows(intOption(cl, "max-flows", DissectorConfig.DEFAULT_MAX_FLOWS, 1)),
                incidents);
        IncidentsOptions incidentOptions = incidents ? incidentOptions(cl, options) : null;
        NfeMetrics metrics;
        try {
            metrics = MetricsOption.open(cl, "dissect");
        } catch (IOException e) {
            err.println("nfe: " + e.getMessage());
            return 2;
        }
        try (metrics) {
            try {
                TopicSetup.ensure(settings, intOption(cl, "partitions", Defaults.SEGMENT_PARTITIONS, 1));
            } catch (KafkaSetupException e) {
                err.println("nfe: " + e.getMessage());
                return 4;
            }
            KafkaDissector dissector = new KafkaDissector(settings, options, metrics);
            Signals.onTerminate(dissector::stop);
            if (incidentOptions == null) {
                return dissector.run();
            }
            // the dissector's loop runs on this thread, the incidents app on its own; a stop ends
            // the loop (committed), then the app commits and leaves
            try (IncidentsApp app = new IncidentsApp(settings, incidentOptions, metrics)) {
                app.start();
                return dissector.run();
            }
        }
    }

    private static IncidentsOptions incidentOptions(CommandLine cl, DissectOptions d) throws UsageException {
        long gap = intOption(cl, "incident-gap", Defaults.INCIDENT_GAP_SECONDS, 1) * 1_000_000_000L;
        IncidentsOptions o = IncidentsOptions.defaults(d.group(), d.instanceId(), d.commitIntervalMs(), gap,
                intOption(cl, "incident-min", Defaults.INCIDENT_MIN, 1));
        if (!cl.hasOption("incident-retention")) {
            return o;
        }
        long least = o.retentionNanos() / 1_000_000_000L;
        long retention = intOption(cl, "incident-retention", (int) least, (int) least);
        return o.withRetention(retention * 1_000_000_000L);
    }
}
