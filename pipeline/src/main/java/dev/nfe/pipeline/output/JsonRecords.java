package dev.nfe.pipeline.output;

import dev.nfe.dissect.incident.Discriminator;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Recurrence;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.dissect.report.AlertInfo;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.AbortEvidence;
import dev.nfe.dissect.report.RstEvidence;
import dev.nfe.dissect.report.ServerHelloInfo;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.dissect.report.CertificateInfo;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;

import java.util.List;
import java.util.Map;

/**
 * Writes the JSON-lines contract of DESIGN.md ("Output contract"): snake_case names, absent
 * values as null (lists as []), versions and suites as lowercase hex strings, alert
 * descriptions and extension types as integers. One object per call, no trailing newline.
 * One per thread: it keeps formatting caches.
 */
final class JsonRecords {
    private final IsoTimes times = new IsoTimes();
    private final Hex hex = new Hex();
    /** Rendered JSON arrays by list identity (the decoder shares equal lists among hellos). */
    private final IdentityCache<List<Integer>, byte[]> intArrays = new IdentityCache<>(1024);
    private final IdentityCache<List<Integer>, byte[]> hexArrays = new IdentityCache<>(1024);
    private final IdentityCache<List<CertificateInfo>, byte[]> chains = new IdentityCache<>(256);
    private static final byte[] EMPTY_ARRAY = {'[', ']'};
    private final JsonWriter scratch = new JsonWriter();

    void session(JsonWriter w, SessionRecord s) {
        w.beginObject();
        w.repeatedField("record", "session");
        w.repeatedField("capture", s.capture());
        w.field("flow_id", s.flowId());
        w.name("client").endpoint(s.client());
        w.name("server").endpoint(s.server());
        w.repeatedField("client_basis", s.clientBasis().wireName());
        w.name("first_ts").time(times, s.firstTsNanos());
        w.name("last_ts").time(times, s.lastTsNanos());
        frame(w, "first_frame", s.firstFrame());
        frame(w, "last_frame", s.lastFrame());
        w.field("packets", s.packets());
        w.field("bytes_c2s", s.bytesC2s());
        w.field("bytes_s2c", s.bytesS2c());
        w.field("syn_seen", s.synSeen());
        w.field("synack_seen", s.synackSeen());
        w.repeatedField("outcome", s.outcome().name());
        w.repeatedField("reason", s.reason());
        clientHello(w, s.clientHello());
        serverHello(w, s.serverHello());
        w.field("client_hello_count", s.clientHelloCount());
        w.field("server_hello_count", s.serverHelloCount());
        w.name("certificates").raw(chain(s.certificates()));
        w.name("alerts").beginArray();
        for (AlertInfo a : s.alerts()) {
            alert(w, a);
        }
        w.endArray();
        roles(w, "rst_from", s.rstFrom());
        w.name("rst_frames").beginArray();
        for (long f : s.rstFrames()) {
            w.value(f);
        }
        w.endArray();
        roles(w, "fin_from", s.finFrom());
        w.field("reset_after_client_hello", s.resetAfterClientHello());
        rst(w, s.rst());
        abort(w, "abort", s.abort());
        abort(w, "abrupt_close", s.abruptClose());
        w.repeatedField("starttls", s.starttls());
        w.field("gaps", s.gaps());
        w.field("capture_loss", s.captureLoss());
        w.name("anomalies").beginArray();
        for (String a : s.anomalies()) {
            w.value(a);
        }
        w.endArray();
        w.field("history", s.history());
        w.endObject();
    }

    void finding(JsonWriter w, Finding f) {
        w.beginObject();
        w.repeatedField("record", "finding");
        w.field("finding_id", f.findingId());
        w.repeatedField("kind", f.kind().name());
        w.repeatedField("severity", f.severity().wireName());
        w.name("ts").time(times, f.tsNanos());
        w.repeatedField("capture", f.capture());
        w.name("client").endpoint(f.client());
        w.name("server").endpoint(f.server());
        w.field("sni", f.sni());
        w.field("flow_id", f.flowId());
        w.repeatedField("reason", f.reason());
        w.field("summary", f.summary());
        w.name("evidence_frames").beginArray();
        for (long fr : f.evidenceFrames()) {
            w.value(fr);
        }
        w.endArray();
        w.repeatedField("confidence", f.confidence().code());
        w.field("capture_loss", f.captureLoss());
        w.endObject();
    }

    /** DESIGN.md, contract v2: the v1 fields, then kinds, ok_during, failed_share, recurrence, discriminators, state. */
    void incident(JsonWriter w, Incident i) {
        w.beginObject();
        w.repeatedField("record", "incident");
        w.field("incident_id", i.incidentId());
        w.repeatedField("kind", i.kind().name());
        w.repeatedField("fault", i.fault().code());
        w.repeatedField("severity", i.severity().wireName());
        w.field("server", i.server().toString());
        strings(w, "servers", i.servers());
        w.name("first_ts").time(times, i.firstTsNanos());
        w.name("last_ts").time(times, i.lastTsNanos());
        w.field("count", i.count());
        w.name("kinds").beginObject();
        for (Map.Entry<FindingKind, Long> e : i.kinds().entrySet()) {
            w.name(e.getKey().name()).value(e.getValue());
        }
        w.endObject();
        w.field("distinct_clients", i.distinctClients());
        w.field("clients_capped", i.clientsCapped());
        strings(w, "sample_clients", i.sampleClients());
        counts(w, "hello_formats", i.helloFormats());
        counts(w, "snis", i.snis());
        counts(w, "rst_by", i.rstBy());
        nullable(w, "median_after_client_hello_us", i.medianAfterHelloMicros());
        w.field("rst_ttl_matches", i.rstTtlMatches());
        w.field("rst_ttl_mismatches", i.rstTtlMismatches());
        w.field("rst_source", i.rstSource());
        w.field("unanswered", i.unanswered());
        w.field("ok_during", i.okDuring());
        w.decimal("failed_share", i.failedShare(), 4);
        recurrence(w, i.recurrence());
        w.name("discriminators").beginArray();
        for (Discriminator d : i.discriminators()) {
            w.beginObject();
            w.repeatedField("feature", d.feature());
            w.field("value", d.value());
            w.field("failed", d.failed());
            w.field("failed_of", d.failedOf());
            w.field("ok", d.ok());
            w.field("ok_of", d.okOf());
            w.endObject();
        }
        w.endArray();
        w.repeatedField("state", i.state().code());
        strings(w, "captures", i.captures());
        strings(w, "sample_finding_ids", i.sampleFindingIds());
        w.field("summary", i.summary());
        w.endObject();
    }

    private static void recurrence(JsonWriter w, Recurrence r) {
        if (r == null) {
            w.fieldNull("recurrence");
            return;
        }
        w.name("recurrence").beginObject();
        w.decimal("period_s", r.periodS(), 3);
        w.decimal("jitter_s", r.jitterS(), 3);
        w.field("events", r.events());
        w.field("cycles", r.cycles());
        w.field("missed_cycles", r.missedCycles());
        w.endObject();
    }

    void captureStats(JsonWriter w, CaptureStats s) {
        w.beginObject();
        w.repeatedField("record", "capture_stats");
        w.repeatedField("capture", s.source());
        w.name("ts").time(times, s.wallTsNanos());
        if (s.eventTsNanos() > 0) {
            w.name("event_ts").time(times, s.eventTsNanos());
        } else {
            w.fieldNull("event_ts");
        }
        w.field("last", s.last());
        w.field("processed", s.processed());
        w.field("segments", s.segments());
        w.field("pcap_received", s.pcapReceived());
        w.field("pcap_dropped", s.pcapDropped());
        w.field("pcap_if_dropped", s.pcapIfDropped());
        w.field("queue_dropped", s.queueDropped());
        w.field("kafka_dropped", s.kafkaDropped());
        w.field("capture_loss", s.captureLoss());
        w.endObject();
    }

    void summary(JsonWriter w, RunSummary s) {
        w.beginObject();
        w.repeatedField("record", "summary");
        counts(w, "outcomes", s.outcomes());
        w.name("servers").beginObject();
        for (Map.Entry<String, Map<String, Long>> e : s.servers().entrySet()) {
            w.dataName(e.getKey()).beginObject();
            for (Map.Entry<String, Long> o : e.getValue().entrySet()) {
                w.dataName(o.getKey()).value(o.getValue());
            }
            w.endObject();
        }
        w.endObject();
        w.field("servers_capped", s.serversCapped());
        w.name("captures").beginArray();
        for (RunSummary.CaptureReport c : s.captures()) {
            w.beginObject();
            w.repeatedField("capture", c.capture());
            w.field("frames", c.frames());
            w.field("segments", c.segments());
            w.field("sessions", c.sessions());
            w.field("findings", c.findings());
            counts(w, "skipped", c.skipped());
            w.field("error", c.error());
            w.endObject();
        }
        w.endArray();
        counts(w, "counters", s.counters());
        w.endObject();
    }

    private void clientHello(JsonWriter w, ClientHelloInfo info) {
        if (info == null) {
            w.fieldNull("client_hello");
            return;
        }
        ClientHello h = info.hello();
        w.name("client_hello").beginObject();
        frame(w, "frame", info.frame());
        w.name("ts").time(times, info.tsNanos());
        w.field("sslv2_format", h.sslv2Format());
        w.repeatedField("record_version", h.recordVersion() < 0 ? null : hex.u16(h.recordVersion()));
        w.repeatedField("handshake_version", hex.u16(h.handshakeVersion()));
        if (h.sslv2Format()) {
            w.name("cipher_suites").beginArray();
            for (int c : h.cipherSuites()) {
                w.value(Hex.u24(c));
            }
            w.endArray();
        } else {
            hexes(w, "cipher_suites", h.cipherSuites());
        }
        w.field("sni", h.sni());
        strings(w, "alpn", h.alpn());
        ints(w, "extension_types", h.extensionTypes());
        hexes(w, "supported_versions", h.supportedVersions());
        hexes(w, "supported_groups", h.supportedGroups());
        hexes(w, "signature_algorithms", h.signatureAlgorithms());
        ints(w, "ec_point_formats", h.ecPointFormats());
        w.field("grease", info.grease());
        w.repeatedField("ja3", info.ja3());
        w.repeatedField("ja3_full", info.ja3Full());
        w.repeatedField("ja4", info.ja4());
        w.field("tcp_segments", h.tcpSegments());
        w.field("records", h.records());
        w.field("length", h.messageLength());
        w.endObject();
    }

    private void serverHello(JsonWriter w, ServerHelloInfo info) {
        if (info == null) {
            w.fieldNull("server_hello");
            return;
        }
        ServerHello h = info.hello();
        w.name("server_hello").beginObject();
        frame(w, "frame", info.frame());
        w.name("ts").time(times, info.tsNanos());
        w.field("sslv2_format", h.sslv2Format());
        w.repeatedField("record_version", h.recordVersion() < 0 ? null : hex.u16(h.recordVersion()));
        w.repeatedField("handshake_version", hex.u16(h.handshakeVersion()));
        w.repeatedField("selected_version", hex.u16(h.selectedVersion()));
        w.repeatedField("cipher", h.sslv2Format() ? Hex.u24(h.cipher()) : hex.u16(h.cipher()));
        w.field("hello_retry_request", h.helloRetryRequest());
        w.repeatedField("alpn", h.alpn());
        ints(w, "extension_types", h.extensionTypes());
        w.repeatedField("ja3s", info.ja3s());
        w.endObject();
    }

    /** The certificates array, rendered once per chain instance (servers repeat their chain). */
    private byte[] chain(List<CertificateInfo> certs) {
        if (certs.isEmpty()) {
            return EMPTY_ARRAY;
        }
        byte[] text = chains.get(certs);
        if (text == null) {
            scratch.reset();
            scratch.beginArray();
            for (CertificateInfo c : certs) {
                scratch.beginObject();
                scratch.field("subject", c.subject());
                scratch.field("issuer", c.issuer());
                scratch.field("not_before", c.notBefore() == null ? null : c.notBefore().toString());
                scratch.field("not_after", c.notAfter() == null ? null : c.notAfter().toString());
                strings(scratch, "san", c.san());
                scratch.field("serial", c.serial());
                scratch.field("signature_algorithm", c.signatureAlgorithm());
                scratch.field("public_key", c.publicKey());
                scratch.field("sha256", c.sha256());
                scratch.endObject();
            }
            scratch.endArray();
            text = scratch.toByteArray();
            chains.put(certs, text);
        }
        return text;
    }

    private void alert(JsonWriter w, AlertInfo a) {
        w.beginObject();
        frame(w, "frame", a.frame());
        w.name("ts").time(times, a.tsNanos());
        w.repeatedField("from", a.from().wireName());
        w.field("encrypted", a.alert().encrypted());
        if (a.alert().encrypted()) {
            w.fieldNull("level");
            w.fieldNull("description");
        } else {
            w.field("level", a.alert().level());
            w.field("description", a.alert().description());
        }
        w.repeatedField("name", a.alert().name());
        w.endObject();
    }

    private void rst(JsonWriter w, RstEvidence r) {
        if (r == null) {
            w.fieldNull("rst");
            return;
        }
        w.name("rst").beginObject();
        w.repeatedField("by", r.by().wireName());
        frame(w, "frame", r.frame());
        w.name("ts").time(times, r.tsNanos());
        nullable(w, "after_client_hello_us", r.afterClientHelloMicros());
        w.field("client_hello_acked", r.clientHelloAcked());
        w.field("ttl", r.ttl());
        nullable(w, "sender_ttl", r.senderTtl());
        nullable(w, "server_ttl", r.serverTtl());
        nullable(w, "ip_id", r.ipId());
        w.field("injected_suspect", r.injectedSuspect());
        w.endObject();
    }

    private void abort(JsonWriter w, String name, AbortEvidence a) {
        if (a == null) {
            w.fieldNull(name);
            return;
        }
        w.name(name).beginObject();
        w.repeatedField("by", a.by().wireName());
        frame(w, "frame", a.frame());
        w.name("ts").time(times, a.tsNanos());
        w.field("after_handshake_us", a.afterHandshakeMicros());
        w.field("unanswered", a.unanswered());
        w.field("ttl", a.ttl());
        nullable(w, "server_ttl", a.serverTtl());
        w.field("injected_suspect", a.injectedSuspect());
        w.endObject();
    }

    private static void roles(JsonWriter w, String name, List<Role> roles) {
        w.name(name).beginArray();
        for (Role r : roles) {
            w.value(r.wireName());
        }
        w.endArray();
    }

    private static void strings(JsonWriter w, String name, List<String> values) {
        w.name(name).beginArray();
        for (String v : values) {
            w.value(v);
        }
        w.endArray();
    }

    private static void counts(JsonWriter w, String name, Map<String, Long> m) {
        // the name is ours; the keys are data (outcomes, SNIs), so they go through the escaping path
        w.name(name).beginObject();
        for (Map.Entry<String, Long> e : m.entrySet()) {
            w.dataName(e.getKey()).value(e.getValue());
        }
        w.endObject();
    }

    private void ints(JsonWriter w, String name, List<Integer> values) {
        byte[] text = intArrays.get(values);
        if (text == null) {
            StringBuilder sb = new StringBuilder(values.size() * 4 + 2).append('[');
            for (int i = 0; i < values.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(values.get(i).intValue());
            }
            text = sb.append(']').toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            intArrays.put(values, text);
        }
        w.name(name).raw(text);
    }

    private void hexes(JsonWriter w, String name, List<Integer> values) {
        byte[] text = hexArrays.get(values);
        if (text == null) {
            StringBuilder sb = new StringBuilder(values.size() * 9 + 2).append('[');
            for (int i = 0; i < values.size(); i++) {
                sb.append(i == 0 ? "\"" : ",\"").append(hex.u16(values.get(i))).append('"');
            }
            text = sb.append(']').toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            hexArrays.put(values, text);
        }
        w.name(name).raw(text);
    }

    /** Frame numbers are null when unknown (live capture). */
    private static void frame(JsonWriter w, String name, long frame) {
        if (frame > 0) {
            w.field(name, frame);
        } else {
            w.fieldNull(name);
        }
    }

    private static void nullable(JsonWriter w, String name, Number v) {
        if (v == null) {
            w.fieldNull(name);
        } else {
            w.field(name, v.longValue());
        }
    }
}
