package dev.nfe.pipeline.kafka;

import java.util.List;

/**
 * The topic names of one nfe deployment: a prefix (default {@code nfe.}) plus fixed suffixes.
 * {@code observations} is internal (dissectors to the incidents app); the rest are for people
 * and their tools.
 */
public record Topics(String segments, String sessions, String findings, String agentStats, String deadLetters,
                     String observations, String incidents) {
    public static final String DEFAULT_PREFIX = "nfe.";

    public static Topics withPrefix(String prefix) {
        return new Topics(prefix + "segments", prefix + "sessions", prefix + "findings", prefix + "agent-stats",
                prefix + "segments.dlq", prefix + "observations", prefix + "incidents");
    }

    public List<String> all() {
        return List.of(segments, sessions, findings, agentStats, deadLetters, observations, incidents);
    }
}
