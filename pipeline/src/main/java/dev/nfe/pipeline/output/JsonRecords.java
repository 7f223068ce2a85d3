package dev.nfe.pipeline.output;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.nfe.dissect.report.AlertInfo;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.RstEvidence;
import dev.nfe.dissect.report.ServerHelloInfo;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.dissect.tls.CertificateInfo;
import dev.nfe.dissect.tls.ClientHello;
import dev.nfe.dissect.tls.ServerHello;

import java.io.IOException;
import java.util.List;

/**
 * Writes the JSON-lines contract of DESIGN.md ("Output contract"): snake_case names, absent
 * values as null (lists as []), versions and suites as lowercase hex strings, alert
 * descriptions and extension types as integers. One object per call, no trailing newline.
 */
public final class JsonRecords {
    private final IsoTimes times = new IsoTimes();
    private final Hex hex = new Hex();

    /** One per thread: it keeps formatting caches. */
    public JsonRecords() {
    }

    private String iso(long nanos) {
        return times.format(nanos);
    }

    public void session(JsonGenerator g, SessionRecord s) throws IOException {
        g.writeStartObject();
        g.writeStringField("record", "session");
        g.writeStringField("capture", s.capture());
        g.writeStringField("flow_id", s.flowId());
        g.writeStringField("client", s.client().toString());
        g.writeStringField("server", s.server().toString());
        g.writeStringField("client_basis", s.clientBasis().wireName());
        g.writeStringField("first_ts", iso(s.firstTsNanos()));
        g.writeStringField("last_ts", iso(s.lastTsNanos()));
        frame(g, "first_frame", s.firstFrame());
        frame(g, "last_frame", s.lastFrame());
        g.writeNumberField("packets", s.packets());
        g.writeNumberField("bytes_c2s", s.bytesC2s());
        g.writeNumberField("bytes_s2c", s.bytesS2c());
        g.writeBooleanField("syn_seen", s.synSeen());
        g.writeBooleanField("synack_seen", s.synackSeen());
        g.writeStringField("outcome", s.outcome().name());
        g.writeStringField("reason", s.reason());
        clientHello(g, s.clientHello());
        serverHello(g, s.serverHello());
        g.writeNumberField("client_hello_count", s.clientHelloCount());
        g.writeNumberField("server_hello_count", s.serverHelloCount());
        g.writeArrayFieldStart("certificates");
        for (CertificateInfo c : s.certificates()) {
            certificate(g, c);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("alerts");
        for (AlertInfo a : s.alerts()) {
            alert(g, a);
        }
        g.writeEndArray();
        roles(g, "rst_from", s.rstFrom());
        g.writeArrayFieldStart("rst_frames");
        for (long f : s.rstFrames()) {
            g.writeNumber(f);
        }
        g.writeEndArray();
        roles(g, "fin_from", s.finFrom());
        g.writeBooleanField("reset_after_client_hello", s.resetAfterClientHello());
        rst(g, s.rst());
        g.writeStringField("starttls", s.starttls());
        g.writeNumberField("gaps", s.gaps());
        g.writeArrayFieldStart("anomalies");
        for (String a : s.anomalies()) {
            g.writeString(a);
        }
        g.writeEndArray();
        g.writeStringField("history", s.history());
        g.writeEndObject();
    }

    public void finding(JsonGenerator g, Finding f) throws IOException {
        g.writeStartObject();
        g.writeStringField("record", "finding");
        g.writeStringField("finding_id", f.findingId());
        g.writeStringField("kind", f.kind().name());
        g.writeStringField("severity", f.severity().wireName());
        g.writeStringField("ts", iso(f.tsNanos()));
        g.writeStringField("capture", f.capture());
        g.writeStringField("client", f.client().toString());
        g.writeStringField("server", f.server().toString());
        g.writeStringField("sni", f.sni());
        g.writeStringField("flow_id", f.flowId());
        g.writeStringField("reason", f.reason());
        g.writeStringField("summary", f.summary());
        g.writeArrayFieldStart("evidence_frames");
        for (long fr : f.evidenceFrames()) {
            g.writeNumber(fr);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void clientHello(JsonGenerator g, ClientHelloInfo info) throws IOException {
        if (info == null) {
            g.writeNullField("client_hello");
            return;
        }
        ClientHello h = info.hello();
        g.writeObjectFieldStart("client_hello");
        frame(g, "frame", info.frame());
        g.writeStringField("ts", iso(info.tsNanos()));
        g.writeBooleanField("sslv2_format", h.sslv2Format());
        g.writeStringField("record_version", h.recordVersion() < 0 ? null : hex.u16(h.recordVersion()));
        g.writeStringField("handshake_version", hex.u16(h.handshakeVersion()));
        g.writeArrayFieldStart("cipher_suites");
        for (int c : h.cipherSuites()) {
            g.writeString(h.sslv2Format() ? Hex.u24(c) : hex.u16(c));
        }
        g.writeEndArray();
        g.writeStringField("sni", h.sni());
        g.writeArrayFieldStart("alpn");
        for (String a : h.alpn()) {
            g.writeString(a);
        }
        g.writeEndArray();
        ints(g, "extension_types", h.extensionTypes());
        hexes(g, "supported_versions", h.supportedVersions());
        hexes(g, "supported_groups", h.supportedGroups());
        hexes(g, "signature_algorithms", h.signatureAlgorithms());
        ints(g, "ec_point_formats", h.ecPointFormats());
        g.writeBooleanField("grease", h.grease());
        g.writeStringField("ja3", info.ja3());
        g.writeStringField("ja3_full", info.ja3Full());
        g.writeStringField("ja4", info.ja4());
        g.writeNumberField("tcp_segments", h.tcpSegments());
        g.writeNumberField("records", h.records());
        g.writeNumberField("length", h.messageLength());
        g.writeEndObject();
    }

    private void serverHello(JsonGenerator g, ServerHelloInfo info) throws IOException {
        if (info == null) {
            g.writeNullField("server_hello");
            return;
        }
        ServerHello h = info.hello();
        g.writeObjectFieldStart("server_hello");
        frame(g, "frame", info.frame());
        g.writeStringField("ts", iso(info.tsNanos()));
        g.writeBooleanField("sslv2_format", h.sslv2Format());
        g.writeStringField("record_version", h.recordVersion() < 0 ? null : hex.u16(h.recordVersion()));
        g.writeStringField("handshake_version", hex.u16(h.handshakeVersion()));
        g.writeStringField("selected_version", hex.u16(h.selectedVersion()));
        g.writeStringField("cipher", h.sslv2Format() ? Hex.u24(h.cipher()) : hex.u16(h.cipher()));
        g.writeBooleanField("hello_retry_request", h.helloRetryRequest());
        g.writeStringField("alpn", h.alpn());
        ints(g, "extension_types", h.extensionTypes());
        g.writeStringField("ja3s", info.ja3s());
        g.writeEndObject();
    }

    private static void certificate(JsonGenerator g, CertificateInfo c) throws IOException {
        g.writeStartObject();
        g.writeStringField("subject", c.subject());
        g.writeStringField("issuer", c.issuer());
        g.writeStringField("not_before", c.notBefore() == null ? null : c.notBefore().toString());
        g.writeStringField("not_after", c.notAfter() == null ? null : c.notAfter().toString());
        g.writeArrayFieldStart("san");
        for (String s : c.san()) {
            g.writeString(s);
        }
        g.writeEndArray();
        g.writeStringField("serial", c.serial());
        g.writeStringField("signature_algorithm", c.signatureAlgorithm());
        g.writeStringField("public_key", c.publicKey());
        g.writeStringField("sha256", c.sha256());
        g.writeEndObject();
    }

    private void alert(JsonGenerator g, AlertInfo a) throws IOException {
        g.writeStartObject();
        frame(g, "frame", a.frame());
        g.writeStringField("ts", iso(a.tsNanos()));
        g.writeStringField("from", a.from().wireName());
        g.writeBooleanField("encrypted", a.alert().encrypted());
        if (a.alert().encrypted()) {
            g.writeNullField("level");
            g.writeNullField("description");
        } else {
            g.writeNumberField("level", a.alert().level());
            g.writeNumberField("description", a.alert().description());
        }
        g.writeStringField("name", a.alert().name());
        g.writeEndObject();
    }

    private void rst(JsonGenerator g, RstEvidence r) throws IOException {
        if (r == null) {
            g.writeNullField("rst");
            return;
        }
        g.writeObjectFieldStart("rst");
        g.writeStringField("by", r.by().wireName());
        frame(g, "frame", r.frame());
        g.writeStringField("ts", iso(r.tsNanos()));
        nullableLong(g, "after_client_hello_us", r.afterClientHelloMicros());
        g.writeBooleanField("client_hello_acked", r.clientHelloAcked());
        g.writeNumberField("ttl", r.ttl());
        nullableInt(g, "sender_ttl", r.senderTtl());
        nullableInt(g, "server_ttl", r.serverTtl());
        nullableInt(g, "ip_id", r.ipId());
        g.writeBooleanField("injected_suspect", r.injectedSuspect());
        g.writeEndObject();
    }

    private static void roles(JsonGenerator g, String name, List<Role> roles) throws IOException {
        g.writeArrayFieldStart(name);
        for (Role r : roles) {
            g.writeString(r.wireName());
        }
        g.writeEndArray();
    }

    private static void ints(JsonGenerator g, String name, List<Integer> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (int v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    private void hexes(JsonGenerator g, String name, List<Integer> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (int v : values) {
            g.writeString(hex.u16(v));
        }
        g.writeEndArray();
    }

    /** Frame numbers are null when unknown (live capture). */
    static void frame(JsonGenerator g, String name, long frame) throws IOException {
        if (frame > 0) {
            g.writeNumberField(name, frame);
        } else {
            g.writeNullField(name);
        }
    }

    static void nullableLong(JsonGenerator g, String name, Long v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v);
        }
    }

    static void nullableInt(JsonGenerator g, String name, Integer v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v);
        }
    }
}
