package dev.nfe.pipeline.report;

import java.util.List;
import java.util.Set;

/**
 * What the HTML report says about itself besides the results.
 *
 * @param source      where the results come from, for the heading ("3 capture files", "Kafka 10.0.0.9:9092, last 2 h")
 * @param captures    the capture files as given (empty for Kafka)
 * @param incidentIds show only these incidents (empty: all)
 * @param writtenAt   when the report was made, as a person reads it
 * @param version     the nfe version line
 */
public record ReportSpec(String source, List<String> captures, Set<String> incidentIds, String writtenAt,
                         String version) {
    public ReportSpec {
        captures = List.copyOf(captures);
        incidentIds = Set.copyOf(incidentIds);
    }
}
