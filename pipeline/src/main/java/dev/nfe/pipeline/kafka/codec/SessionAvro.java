package dev.nfe.pipeline.kafka.codec;

import dev.nfe.dissect.report.AlertInfo;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.AbortEvidence;
import dev.nfe.dissect.report.RstEvidence;
import dev.nfe.dissect.report.ServerHelloInfo;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.dissect.report.CertificateInfo;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.schema.v1.Alert;
import dev.nfe.schema.v1.Certificate;
import dev.nfe.schema.v1.Abort;
import dev.nfe.schema.v1.Rst;
import dev.nfe.schema.v1.Session;

import java.util.ArrayList;
import java.util.List;

/**
 * A session as the Avro record on {@code nfe.sessions}: the same fields and the same nulls as
 * the JSON-lines session (JsonRecords), with times as epoch nanoseconds and versions, suites and
 * ciphers as numbers instead of hex text. Frame numbers 0 (unknown, live) become null.
 */
public final class SessionAvro {
    private SessionAvro() {
    }

    public static Session toAvro(SessionRecord s) {
        return Session.newBuilder()
                .setCapture(s.capture())
                .setFlowId(s.flowId())
                .setClient(s.client().toString())
                .setServer(s.server().toString())
                .setClientBasis(s.clientBasis().wireName())
                .setFirstTsNanos(s.firstTsNanos())
                .setLastTsNanos(s.lastTsNanos())
                .setFirstFrame(frame(s.firstFrame()))
                .setLastFrame(frame(s.lastFrame()))
                .setPackets(s.packets())
                .setBytesC2s(s.bytesC2s())
                .setBytesS2c(s.bytesS2c())
                .setSynSeen(s.synSeen())
                .setSynackSeen(s.synackSeen())
                .setOutcome(s.outcome().name())
                .setReason(s.reason())
                .setClientHello(clientHello(s.clientHello()))
                .setServerHello(serverHello(s.serverHello()))
                .setClientHelloCount(s.clientHelloCount())
                .setServerHelloCount(s.serverHelloCount())
                .setCertificates(certificates(s.certificates()))
                .setAlerts(alerts(s.alerts()))
                .setRstFrom(roles(s.rstFrom()))
                .setRstFrames(s.rstFrames())
                .setFinFrom(roles(s.finFrom()))
                .setResetAfterClientHello(s.resetAfterClientHello())
                .setRst(rst(s.rst()))
                .setAbort(abort(s.abort()))
                .setAbruptClose(abort(s.abruptClose()))
                .setStarttls(s.starttls())
                .setGaps(s.gaps())
                .setCaptureLoss(s.captureLoss())
                .setAnomalies(s.anomalies())
                .setHistory(s.history())
                .build();
    }

    private static dev.nfe.schema.v1.ClientHello clientHello(ClientHelloInfo info) {
        if (info == null) {
            return null;
        }
        ClientHello h = info.hello();
        return dev.nfe.schema.v1.ClientHello.newBuilder()
                .setFrame(frame(info.frame()))
                .setTsNanos(info.tsNanos())
                .setSslv2Format(h.sslv2Format())
                .setRecordVersion(h.recordVersion() < 0 ? null : h.recordVersion())
                .setHandshakeVersion(h.handshakeVersion())
                .setCipherSuites(h.cipherSuites())
                .setSni(h.sni())
                .setAlpn(h.alpn())
                .setExtensionTypes(h.extensionTypes())
                .setSupportedVersions(h.supportedVersions())
                .setSupportedGroups(h.supportedGroups())
                .setSignatureAlgorithms(h.signatureAlgorithms())
                .setEcPointFormats(h.ecPointFormats())
                .setGrease(info.grease())
                .setJa3(info.ja3())
                .setJa3Full(info.ja3Full())
                .setJa4(info.ja4())
                .setTcpSegments(h.tcpSegments())
                .setRecords(h.records())
                .setLength(h.messageLength())
                .build();
    }

    private static dev.nfe.schema.v1.ServerHello serverHello(ServerHelloInfo info) {
        if (info == null) {
            return null;
        }
        ServerHello h = info.hello();
        return dev.nfe.schema.v1.ServerHello.newBuilder()
                .setFrame(frame(info.frame()))
                .setTsNanos(info.tsNanos())
                .setSslv2Format(h.sslv2Format())
                .setRecordVersion(h.recordVersion() < 0 ? null : h.recordVersion())
                .setHandshakeVersion(h.handshakeVersion())
                .setSelectedVersion(h.selectedVersion())
                .setCipher(h.cipher())
                .setHelloRetryRequest(h.helloRetryRequest())
                .setAlpn(h.alpn())
                .setExtensionTypes(h.extensionTypes())
                .setJa3s(info.ja3s())
                .build();
    }

    private static List<Certificate> certificates(List<CertificateInfo> certs) {
        List<Certificate> out = new ArrayList<>(certs.size());
        for (CertificateInfo c : certs) {
            out.add(Certificate.newBuilder()
                    .setSubject(c.subject())
                    .setIssuer(c.issuer())
                    .setNotBefore(c.notBefore() == null ? null : c.notBefore().toString())
                    .setNotAfter(c.notAfter() == null ? null : c.notAfter().toString())
                    .setSan(c.san())
                    .setSerial(c.serial())
                    .setSignatureAlgorithm(c.signatureAlgorithm())
                    .setPublicKey(c.publicKey())
                    .setSha256(c.sha256())
                    .build());
        }
        return out;
    }

    private static List<Alert> alerts(List<AlertInfo> alerts) {
        List<Alert> out = new ArrayList<>(alerts.size());
        for (AlertInfo a : alerts) {
            boolean enc = a.alert().encrypted();
            out.add(Alert.newBuilder()
                    .setFrame(frame(a.frame()))
                    .setTsNanos(a.tsNanos())
                    .setFrom(a.from().wireName())
                    .setEncrypted(enc)
                    .setLevel(enc ? null : a.alert().level())
                    .setDescription(enc ? null : a.alert().description())
                    .setName(a.alert().name())
                    .build());
        }
        return out;
    }

    private static Rst rst(RstEvidence r) {
        if (r == null) {
            return null;
        }
        return Rst.newBuilder()
                .setBy(r.by().wireName())
                .setFrame(frame(r.frame()))
                .setTsNanos(r.tsNanos())
                .setAfterClientHelloUs(r.afterClientHelloMicros())
                .setClientHelloAcked(r.clientHelloAcked())
                .setTtl(r.ttl())
                .setSenderTtl(r.senderTtl())
                .setServerTtl(r.serverTtl())
                .setIpId(r.ipId())
                .setInjectedSuspect(r.injectedSuspect())
                .build();
    }

    private static Abort abort(AbortEvidence a) {
        if (a == null) {
            return null;
        }
        return Abort.newBuilder()
                .setBy(a.by().wireName())
                .setFrame(frame(a.frame()))
                .setTsNanos(a.tsNanos())
                .setAfterHandshakeUs(a.afterHandshakeMicros())
                .setUnanswered(a.unanswered())
                .setTtl(a.ttl())
                .setServerTtl(a.serverTtl())
                .setInjectedSuspect(a.injectedSuspect())
                .build();
    }

    private static List<String> roles(List<Role> roles) {
        List<String> out = new ArrayList<>(roles.size());
        for (Role r : roles) {
            out.add(r.wireName());
        }
        return out;
    }

    private static Long frame(long frame) {
        return frame > 0 ? frame : null;
    }
}
