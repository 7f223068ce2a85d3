package dev.nfe.pipeline.kafka.agent;

import java.util.List;

/**
 * What an agent run did.
 *
 * @param exitCode 0 ok, 3 a capture was damaged (what came before it was published), 4 Kafka
 *                 refused records for good
 */
public record AgentReport(int exitCode, long frames, long segments, long published, long payloadBytesCut,
                          long segmentsCut, long publishErrors, List<String> errors) {
}
