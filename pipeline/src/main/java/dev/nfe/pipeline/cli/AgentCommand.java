package dev.nfe.pipeline.cli;

import dev.nfe.pipeline.Defaults;

import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.capture.pcap4j.LibpcapFileSource;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.KafkaSetupException;
import dev.nfe.pipeline.kafka.TopicSetup;
import dev.nfe.pipeline.kafka.agent.AgentOptions;
import dev.nfe.pipeline.kafka.agent.AgentReport;
import dev.nfe.pipeline.kafka.agent.KafkaAgent;
import dev.nfe.pipeline.metrics.NfeMetrics;
import dev.nfe.pipeline.replay.CaptureOpener;
import dev.nfe.pipeline.replay.CaptureInputs;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code nfe agent}: captures live ({@code --interface IF...}, to Kafka or dissected in process,
 * see {@link LiveCapture}) or publishes capture files' segments to Kafka ({@code --read FILE...}).
 */
final class AgentCommand extends Command {

    @Override
    String name() {
        return "agent";
    }

    @Override
    String summary() {
        return "capture live on interfaces (to Kafka, or dissected here), or publish capture files to Kafka";
    }

    @Override
    String operands() {
        return "--interface IF... [--kafka HOST:PORT] | --read FILE... --kafka HOST:PORT";
    }

    @Override
    String footer() {
        return "\nLive (--interface): runs until SIGTERM/SIGINT, then drains, finalises every open connection and exits 0;"
                + " 2 bad usage, an interface cannot be opened or the --metrics address cannot be served on,"
                + " 3 an interface failed while capturing, 4 Kafka unreachable at start."
                + " Needs root or CAP_NET_RAW and CAP_NET_ADMIN.\n"
                + "Files (--read): 0 ok, 2 bad usage, an input is not a capture or the --metrics address cannot be"
                + " served on (nothing is published), 3 a capture is damaged (what came before the damage is"
                + " published), 4 Kafka refused records.";
    }

    @Override
    Options options() {
        return LiveCapture.add(MetricsOption.add(KafkaOptions.add(new Options()
                .addOption(Option.builder().longOpt("read").hasArgs().argName("FILE...")
                        .desc("capture files (pcap/pcapng) to publish, in this order").get())
                .addOption(Option.builder().longOpt("agent-id").hasArg().argName("ID")
                        .desc("this agent's name on every record (default: the host name)").get())
                .addOption(Option.builder().longOpt("payload-budget").hasArg().argName("BYTES|unlimited")
                        .desc("payload bytes per direction of a flow that leave the host; after that only header"
                                + " facts (flags, seq/ack, length, TTL) are sent (default " + Defaults.PAYLOAD_BUDGET + ": any handshake)").get())
                .addOption(Option.builder().longOpt("partitions").hasArg().argName("N")
                        .desc("partitions of the segments topic if the agent creates it (default " + Defaults.SEGMENT_PARTITIONS + ")").get())
                .addOption(Option.builder().longOpt("reader").hasArg().argName("plain|libpcap")
                        .desc("plain (fast Java reader, default) or libpcap (through pcap4j)").get()))));
    }

    @Override
    int execute(CommandLine cl, PrintStream out, PrintStream err) throws Exception {
        if (cl.hasOption("interface")) {
            if (cl.hasOption("read") || !cl.getArgList().isEmpty()) {
                throw new UsageException("--interface captures live; capture files go to --read (one or the other)");
            }
            return LiveCapture.run(cl, cl.getOptionValue("agent-id", hostName()), budget(cl), err);
        }
        List<String> files = new ArrayList<>();
        if (cl.getOptionValues("read") != null) {
            files.addAll(List.of(cl.getOptionValues("read")));
        }
        files.addAll(cl.getArgList());
        if (files.isEmpty()) {
            throw new UsageException("nothing to capture: --interface IF (live) or --read FILE... (files)");
        }
        KafkaSettings settings = KafkaOptions.settings(cl);
        String reader = choice(cl, "reader", "plain", "plain", "libpcap");
        CaptureOpener opener = reader.equals("libpcap") ? LibpcapFileSource::open : CaptureFiles::open;
        AgentOptions options = AgentOptions.defaults(cl.getOptionValue("agent-id", hostName()), budget(cl),
                intOption(cl, "partitions", Defaults.SEGMENT_PARTITIONS, 1), opener);

        NfeMetrics metrics;
        try {
            metrics = MetricsOption.open(cl, "agent");
        } catch (IOException e) {
            err.println("nfe: " + e.getMessage());
            return 2;
        }
        AgentReport r;
        try (metrics) {
            // the same up-front check as replay: a typo must not publish half a run
            List<String> problems = CaptureInputs.problems(opener, files);
            if (!problems.isEmpty()) {
                problems.forEach(p -> err.println("nfe: " + p));
                return 2;
            }
            try {
                TopicSetup.ensure(settings, options.segmentPartitions());
            } catch (KafkaSetupException e) {
                err.println("nfe: " + e.getMessage());
                return 4;
            }
            r = new KafkaAgent(settings, options, metrics).run(files);
        }
        err.printf(Locale.ROOT, "nfe agent: %,d frames, %,d segments, %,d published to %s; payload budget kept %,d bytes"
                        + " of %,d segments on the host%n", r.frames(), r.segments(), r.published(),
                settings.topics().segments(), r.payloadBytesCut(), r.segmentsCut());
        r.errors().forEach(e -> err.println("nfe: " + e));
        return r.exitCode();
    }

    private static long budget(CommandLine cl) throws UsageException {
        String v = cl.getOptionValue("payload-budget");
        if (v == null) {
            return Defaults.PAYLOAD_BUDGET;
        }
        if (v.equalsIgnoreCase("unlimited")) {
            return Long.MAX_VALUE;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new UsageException("--payload-budget must be 0 or more, not " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--payload-budget needs a number of bytes or 'unlimited', not '" + v + "'");
        }
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            String h = System.getenv("HOSTNAME");
            return h == null || h.isBlank() ? "agent" : h;
        }
    }
}
