package dev.nfe.pipeline.cli;

import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.Topics;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The options every Kafka command shares: where the cluster is, how to talk to it, topic names. */
final class KafkaOptions {
    private KafkaOptions() {
    }

    static Options add(Options o) {
        return o.addOption(Option.builder().longOpt("kafka").hasArg().argName("HOST:PORT[,...]")
                        .desc("bootstrap servers of the Kafka cluster").get())
                .addOption(Option.builder().longOpt("kafka-config").hasArg().argName("FILE")
                        .desc("Kafka client settings (.properties), e.g. security.protocol, ssl.*, sasl.*").get())
                .addOption(Option.builder().longOpt("topic-prefix").hasArg().argName("PREFIX")
                        .desc("topic names are PREFIX + segments|sessions|findings|agent-stats|segments.dlq"
                                + " (default " + Topics.DEFAULT_PREFIX + ")").get());
    }

    static KafkaSettings settings(CommandLine cl) throws Command.UsageException {
        String bootstrap = cl.getOptionValue("kafka");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new Command.UsageException("--kafka HOST:PORT is required");
        }
        String file = cl.getOptionValue("kafka-config");
        if (file != null && !Files.isReadable(Path.of(file))) {
            throw new Command.UsageException("--kafka-config " + file + ": cannot read it");
        }
        try {
            return KafkaSettings.of(bootstrap, file == null ? null : Path.of(file),
                    cl.getOptionValue("topic-prefix", Topics.DEFAULT_PREFIX));
        } catch (IOException | IllegalArgumentException e) {
            throw new Command.UsageException("--kafka-config " + file + ": " + e.getMessage());
        }
    }
}
