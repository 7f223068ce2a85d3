package dev.nfe.pipeline.output;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.nfe.dissect.finding.Incident;

import java.io.IOException;
import java.util.Map;

/** JSON for the {@code incident} and {@code summary} records. */
final class SummaryJson {
    private SummaryJson() {
    }

    static void incident(JsonGenerator g, Incident i) throws IOException {
        g.writeStartObject();
        g.writeStringField("record", "incident");
        g.writeStringField("incident_id", i.incidentId());
        g.writeStringField("kind", i.kind().name());
        g.writeStringField("severity", i.severity().wireName());
        g.writeStringField("server", i.server().toString());
        g.writeStringField("first_ts", Timestamps.iso(i.firstTsNanos()));
        g.writeStringField("last_ts", Timestamps.iso(i.lastTsNanos()));
        g.writeNumberField("count", i.count());
        g.writeNumberField("distinct_clients", i.distinctClients());
        g.writeBooleanField("clients_capped", i.clientsCapped());
        g.writeArrayFieldStart("sample_clients");
        for (String c : i.sampleClients()) {
            g.writeString(c);
        }
        g.writeEndArray();
        counts(g, "hello_formats", i.helloFormats());
        counts(g, "snis", i.snis());
        counts(g, "rst_by", i.rstBy());
        JsonRecords.nullableLong(g, "median_after_client_hello_us", i.medianAfterHelloMicros());
        g.writeNumberField("rst_ttl_matches", i.rstTtlMatches());
        g.writeNumberField("rst_ttl_mismatches", i.rstTtlMismatches());
        g.writeStringField("rst_source", i.rstSource());
        g.writeArrayFieldStart("captures");
        for (String c : i.captures()) {
            g.writeString(c);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("sample_finding_ids");
        for (String c : i.sampleFindingIds()) {
            g.writeString(c);
        }
        g.writeEndArray();
        g.writeStringField("summary", i.summary());
        g.writeEndObject();
    }

    static void summary(JsonGenerator g, RunSummary s) throws IOException {
        g.writeStartObject();
        g.writeStringField("record", "summary");
        counts(g, "outcomes", s.outcomes());
        g.writeObjectFieldStart("servers");
        for (Map.Entry<String, Map<String, Long>> e : s.servers().entrySet()) {
            counts(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeBooleanField("servers_capped", s.serversCapped());
        g.writeArrayFieldStart("captures");
        for (RunSummary.CaptureReport c : s.captures()) {
            g.writeStartObject();
            g.writeStringField("capture", c.capture());
            g.writeNumberField("frames", c.frames());
            g.writeNumberField("segments", c.segments());
            g.writeNumberField("sessions", c.sessions());
            g.writeNumberField("findings", c.findings());
            counts(g, "skipped", c.skipped());
            g.writeStringField("error", c.error());
            g.writeEndObject();
        }
        g.writeEndArray();
        counts(g, "counters", s.counters());
        g.writeEndObject();
    }

    private static void counts(JsonGenerator g, String name, Map<String, Long> m) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, Long> e : m.entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }
}
