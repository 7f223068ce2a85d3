package dev.nfe.pipeline.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.AlertInfo;
import dev.nfe.dissect.report.CertificateInfo;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.AbortEvidence;
import dev.nfe.dissect.report.RstEvidence;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.dissect.report.ServerHelloInfo;
import dev.nfe.dissect.report.SessionRecord;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The JSON object the contract asks for, built from a domain record with Jackson's tree model
 * and {@link Wire}'s formats: a second, independent rendering that {@link JsonDiff} compares with
 * what JsonRecords wrote. Names and shapes follow DESIGN.md ("Output contract") and the fields
 * the README documents beyond it (history, capture_loss, confidence, supported_groups, ...).
 */
final class Expected {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Expected() {
    }

    static ObjectNode session(SessionRecord s) {
        ObjectNode o = F.objectNode();
        o.put("record", "session");
        o.put("capture", s.capture());
        o.put("flow_id", s.flowId());
        o.put("client", Wire.endpoint(s.client()));
        o.put("server", Wire.endpoint(s.server()));
        o.put("client_basis", s.clientBasis().name().toLowerCase(Locale.ROOT));
        o.put("first_ts", Wire.iso(s.firstTsNanos()));
        o.put("last_ts", Wire.iso(s.lastTsNanos()));
        o.set("first_frame", frame(s.firstFrame()));
        o.set("last_frame", frame(s.lastFrame()));
        o.put("packets", s.packets());
        o.put("bytes_c2s", s.bytesC2s());
        o.put("bytes_s2c", s.bytesS2c());
        o.put("syn_seen", s.synSeen());
        o.put("synack_seen", s.synackSeen());
        o.put("outcome", s.outcome().name());
        o.put("reason", s.reason());
        o.set("client_hello", clientHello(s.clientHello()));
        o.set("server_hello", serverHello(s.serverHello()));
        o.put("client_hello_count", s.clientHelloCount());
        o.put("server_hello_count", s.serverHelloCount());
        ArrayNode certs = o.putArray("certificates");
        for (CertificateInfo c : s.certificates()) {
            certs.add(certificate(c));
        }
        ArrayNode alerts = o.putArray("alerts");
        for (AlertInfo a : s.alerts()) {
            alerts.add(alert(a));
        }
        o.set("rst_from", roles(s.rstFrom()));
        ArrayNode rstFrames = o.putArray("rst_frames");
        s.rstFrames().forEach(rstFrames::add);
        o.set("fin_from", roles(s.finFrom()));
        o.put("reset_after_client_hello", s.resetAfterClientHello());
        o.set("rst", rst(s.rst()));
        o.set("abort", abort(s.abort()));
        o.set("abrupt_close", abort(s.abruptClose()));
        o.put("starttls", s.starttls());
        o.put("gaps", s.gaps());
        o.put("capture_loss", s.captureLoss());
        o.set("anomalies", strings(s.anomalies()));
        o.put("history", s.history());
        return o;
    }

    static JsonNode clientHello(ClientHelloInfo info) {
        if (info == null) {
            return F.nullNode();
        }
        ClientHello h = info.hello();
        ObjectNode o = F.objectNode();
        o.set("frame", frame(info.frame()));
        o.put("ts", Wire.iso(info.tsNanos()));
        o.put("sslv2_format", h.sslv2Format());
        // an SSLv2-format hello has no record layer version (contract: null)
        o.put("record_version", h.sslv2Format() ? null : Wire.hex4(h.recordVersion()));
        o.put("handshake_version", Wire.hex4(h.handshakeVersion()));
        o.set("cipher_suites", list(h.cipherSuites(), h.sslv2Format() ? Wire::hex6 : Wire::hex4));
        o.put("sni", h.sni());
        o.set("alpn", strings(h.alpn()));
        o.set("extension_types", ints(h.extensionTypes()));
        o.set("supported_versions", list(h.supportedVersions(), Wire::hex4));
        o.set("supported_groups", list(h.supportedGroups(), Wire::hex4));
        o.set("signature_algorithms", list(h.signatureAlgorithms(), Wire::hex4));
        o.set("ec_point_formats", ints(h.ecPointFormats()));
        o.put("grease", info.grease());
        o.put("ja3", info.ja3());
        o.put("ja3_full", info.ja3Full());
        o.put("ja4", info.ja4());
        o.put("tcp_segments", h.tcpSegments());
        o.put("records", h.records());
        o.put("length", h.messageLength());
        return o;
    }

    static JsonNode serverHello(ServerHelloInfo info) {
        if (info == null) {
            return F.nullNode();
        }
        ServerHello h = info.hello();
        ObjectNode o = F.objectNode();
        o.set("frame", frame(info.frame()));
        o.put("ts", Wire.iso(info.tsNanos()));
        o.put("sslv2_format", h.sslv2Format());
        o.put("record_version", h.sslv2Format() ? null : Wire.hex4(h.recordVersion()));
        o.put("handshake_version", Wire.hex4(h.handshakeVersion()));
        o.put("selected_version", Wire.hex4(h.selectedVersion()));
        o.put("cipher", h.sslv2Format() ? Wire.hex6(h.cipher()) : Wire.hex4(h.cipher()));
        o.put("hello_retry_request", h.helloRetryRequest());
        o.put("alpn", h.alpn());
        o.set("extension_types", ints(h.extensionTypes()));
        o.put("ja3s", info.ja3s());
        return o;
    }

    static ObjectNode certificate(CertificateInfo c) {
        ObjectNode o = F.objectNode();
        o.put("subject", c.subject());
        o.put("issuer", c.issuer());
        o.put("not_before", instant(c.notBefore()));
        o.put("not_after", instant(c.notAfter()));
        o.set("san", strings(c.san()));
        o.put("serial", c.serial());
        o.put("signature_algorithm", c.signatureAlgorithm());
        o.put("public_key", c.publicKey());
        o.put("sha256", c.sha256());
        return o;
    }

    static ObjectNode alert(AlertInfo a) {
        ObjectNode o = F.objectNode();
        o.set("frame", frame(a.frame()));
        o.put("ts", Wire.iso(a.tsNanos()));
        o.put("from", Wire.role(a.from()));
        o.put("encrypted", a.alert().encrypted());
        // contract: alerts inside encrypted records have null level and description
        o.set("level", a.alert().encrypted() ? F.nullNode() : F.numberNode(a.alert().level()));
        o.set("description", a.alert().encrypted() ? F.nullNode() : F.numberNode(a.alert().description()));
        o.put("name", a.alert().name());
        return o;
    }

    static JsonNode rst(RstEvidence r) {
        if (r == null) {
            return F.nullNode();
        }
        ObjectNode o = F.objectNode();
        o.put("by", Wire.role(r.by()));
        o.set("frame", frame(r.frame()));
        o.put("ts", Wire.iso(r.tsNanos()));
        o.put("after_client_hello_us", r.afterClientHelloMicros());
        o.put("client_hello_acked", r.clientHelloAcked());
        o.put("ttl", r.ttl());
        o.put("sender_ttl", r.senderTtl());
        o.put("server_ttl", r.serverTtl());
        o.put("ip_id", r.ipId());
        o.put("injected_suspect", r.injectedSuspect());
        return o;
    }

    /** DESIGN.md, "Diagnosis": abort / abrupt_close. */
    static JsonNode abort(AbortEvidence a) {
        if (a == null) {
            return F.nullNode();
        }
        ObjectNode o = F.objectNode();
        o.put("by", Wire.role(a.by()));
        o.set("frame", frame(a.frame()));
        o.put("ts", Wire.iso(a.tsNanos()));
        o.put("after_handshake_us", a.afterHandshakeMicros());
        o.put("unanswered", a.unanswered());
        o.put("ttl", a.ttl());
        o.put("server_ttl", a.serverTtl());
        o.put("injected_suspect", a.injectedSuspect());
        return o;
    }

    static ObjectNode finding(Finding f) {
        ObjectNode o = F.objectNode();
        o.put("record", "finding");
        o.put("finding_id", f.findingId());
        o.put("kind", f.kind().name());
        o.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
        o.put("ts", Wire.iso(f.tsNanos()));
        o.put("capture", f.capture());
        o.put("client", Wire.endpoint(f.client()));
        o.put("server", Wire.endpoint(f.server()));
        o.put("sni", f.sni());
        o.put("flow_id", f.flowId());
        o.put("reason", f.reason());
        o.put("summary", f.summary());
        ArrayNode frames = o.putArray("evidence_frames");
        f.evidenceFrames().forEach(frames::add);
        o.put("confidence", f.confidence().name().toLowerCase(Locale.ROOT));
        o.put("capture_loss", f.captureLoss());
        return o;
    }

    static ObjectNode incident(Incident i) {
        ObjectNode o = F.objectNode();
        o.put("record", "incident");
        o.put("incident_id", i.incidentId());
        o.put("kind", i.kind().name());
        o.put("fault", i.fault().name().toLowerCase(Locale.ROOT));
        o.put("severity", i.severity().name().toLowerCase(Locale.ROOT));
        o.put("server", Wire.endpoint(i.server()));
        o.set("servers", strings(i.servers()));
        o.put("first_ts", Wire.iso(i.firstTsNanos()));
        o.put("last_ts", Wire.iso(i.lastTsNanos()));
        o.put("count", i.count());
        ObjectNode kinds = o.putObject("kinds");
        i.kinds().forEach((k, n) -> kinds.put(k.name(), n));
        o.put("distinct_clients", i.distinctClients());
        o.put("clients_capped", i.clientsCapped());
        o.set("sample_clients", strings(i.sampleClients()));
        o.set("hello_formats", counts(i.helloFormats()));
        o.set("snis", counts(i.snis()));
        o.set("rst_by", counts(i.rstBy()));
        o.put("median_after_client_hello_us", i.medianAfterHelloMicros());
        o.put("rst_ttl_matches", i.rstTtlMatches());
        o.put("rst_ttl_mismatches", i.rstTtlMismatches());
        o.put("rst_source", i.rstSource());
        o.put("unanswered", i.unanswered());
        o.put("ok_during", i.okDuring());
        // fixed point, at most 4 places (a share), trailing zeros dropped
        o.set("failed_share", fixed(i.failedShare(), 4));
        if (i.recurrence() == null) {
            o.putNull("recurrence");
        } else {
            ObjectNode r = o.putObject("recurrence");
            r.set("period_s", fixed(i.recurrence().periodS(), 3));
            r.set("jitter_s", fixed(i.recurrence().jitterS(), 3));
            r.put("events", i.recurrence().events());
            r.put("cycles", i.recurrence().cycles());
            r.put("missed_cycles", i.recurrence().missedCycles());
        }
        com.fasterxml.jackson.databind.node.ArrayNode ds = o.putArray("discriminators");
        for (dev.nfe.dissect.incident.Discriminator d : i.discriminators()) {
            ObjectNode x = ds.addObject();
            x.put("feature", d.feature());
            x.put("value", d.value());
            x.put("failed", d.failed());
            x.put("failed_of", d.failedOf());
            x.put("ok", d.ok());
            x.put("ok_of", d.okOf());
        }
        o.put("state", i.state().name().toLowerCase(Locale.ROOT));
        o.set("captures", strings(i.captures()));
        o.set("sample_finding_ids", strings(i.sampleFindingIds()));
        o.put("summary", i.summary());
        return o;
    }

    /** A number in fixed point with at most {@code places} decimals: an integer when it has none. */
    static JsonNode fixed(double v, int places) {
        java.math.BigDecimal d = java.math.BigDecimal.valueOf(v).setScale(places, java.math.RoundingMode.HALF_EVEN)
                .stripTrailingZeros();
        return d.scale() <= 0 ? F.numberNode(d.longValueExact()) : F.numberNode(d);
    }

    static ObjectNode summary(RunSummary s) {
        ObjectNode o = F.objectNode();
        o.put("record", "summary");
        o.set("outcomes", counts(s.outcomes()));
        ObjectNode servers = o.putObject("servers");
        s.servers().forEach((server, outcomes) -> servers.set(server, counts(outcomes)));
        o.put("servers_capped", s.serversCapped());
        ArrayNode captures = o.putArray("captures");
        for (RunSummary.CaptureReport c : s.captures()) {
            ObjectNode r = captures.addObject();
            r.put("capture", c.capture());
            r.put("frames", c.frames());
            r.put("segments", c.segments());
            r.put("sessions", c.sessions());
            r.put("findings", c.findings());
            r.set("skipped", counts(c.skipped()));
            r.put("error", c.error());
        }
        o.set("counters", counts(s.counters()));
        return o;
    }

    static ObjectNode captureStats(CaptureStats s) {
        ObjectNode o = F.objectNode();
        o.put("record", "capture_stats");
        o.put("capture", s.source());
        o.put("ts", Wire.iso(s.wallTsNanos()));
        o.put("event_ts", s.eventTsNanos() > 0 ? Wire.iso(s.eventTsNanos()) : null);
        o.put("last", s.last());
        o.put("processed", s.processed());
        o.put("segments", s.segments());
        o.put("pcap_received", s.pcapReceived());
        o.put("pcap_dropped", s.pcapDropped());
        o.put("pcap_if_dropped", s.pcapIfDropped());
        o.put("queue_dropped", s.queueDropped());
        o.put("kafka_dropped", s.kafkaDropped());
        o.put("capture_loss", s.pcapDropped() + s.pcapIfDropped() + s.queueDropped());
        return o;
    }

    /** Frame numbers are 1-based; 0 (unknown, live) is null. */
    private static JsonNode frame(long frame) {
        return frame > 0 ? F.numberNode(frame) : F.nullNode();
    }

    private static String instant(Instant t) {
        return t == null ? null : java.time.format.DateTimeFormatter.ISO_INSTANT.format(t);
    }

    private static ArrayNode roles(List<Role> roles) {
        ArrayNode a = F.arrayNode();
        roles.forEach(r -> a.add(Wire.role(r)));
        return a;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = F.arrayNode();
        values.forEach(a::add);
        return a;
    }

    private static ArrayNode ints(List<Integer> values) {
        ArrayNode a = F.arrayNode();
        values.forEach(v -> a.add(v.intValue()));
        return a;
    }

    private static ArrayNode list(List<Integer> values, IntFunction<String> format) {
        ArrayNode a = F.arrayNode();
        values.forEach(v -> a.add(format.apply(v)));
        return a;
    }

    private static ObjectNode counts(Map<String, Long> m) {
        ObjectNode o = F.objectNode();
        m.forEach(o::put);
        return o;
    }
}
