package dev.nfe.pipeline.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where the cluster is and how to talk to it: the bootstrap address, the user's client settings
 * ({@code --kafka-config FILE.properties}: TLS, SASL, timeouts...), and the topic names.
 * nfe's own defaults go first and the user's file wins, except for the few settings exactly-once
 * depends on, which {@link #producer}/{@link #consumer} callers pin.
 */
public record KafkaSettings(String bootstrap, Properties userConfig, Topics topics) {

    public static KafkaSettings of(String bootstrap, Path configFile, String topicPrefix) throws IOException {
        Properties p = new Properties();
        if (configFile != null) {
            try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return new KafkaSettings(bootstrap, p, Topics.withPrefix(topicPrefix == null ? Topics.DEFAULT_PREFIX : topicPrefix));
    }

    /** nfe's defaults, then the user's file, then {@code pinned} (what correctness needs). */
    public Properties merge(Properties defaults, Properties pinned) {
        Properties p = new Properties();
        p.putAll(defaults);
        p.putAll(userConfig);
        p.put("bootstrap.servers", bootstrap);
        p.putAll(pinned);
        return p;
    }
}
