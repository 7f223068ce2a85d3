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

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.ClientBasis;
import dev.nfe.dissect.report.Outcome;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A session as the Avro record on {@code nfe.sessions}: the same fields and the same nulls as
 * the JSON-lines session (JsonRecords), with times as epoch nanoseconds and versions, suites and
 * ciphers as numbers instead of hex text. Frame numbers 0 (unknown, live) become null.
 *
 * <p>{@link #fromAvro} is the way back, for readers of the topic ({@code nfe report --kafka}).
 * It is exact for everything the record carries. Four facts of the parsed hellos are not on the
 * wire (nor in the JSON lines), and nothing downstream of the dissector reads them: the
 * ClientHello's compression methods, session id length and SSLv2 challenge length, and the
 * ServerHello's compression method. They come back as {@link #NOT_CARRIED} (an empty list for
 * the compression methods), a value no parsed hello has.
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

    /** What a hello fact that is not on the wire comes back as (parsers never give -2). */
    public static final int NOT_CARRIED = -2;

    /** The domain session; a record with an unknown outcome, basis or side, or a bad endpoint or time, is bad. */
    public static SessionRecord fromAvro(Session a) throws BadRecordException {
        try {
            return new SessionRecord(a.getCapture(), a.getFlowId(), Endpoint.parse(a.getClient()),
                    Endpoint.parse(a.getServer()), ClientBasis.valueOf(a.getClientBasis().toUpperCase(Locale.ROOT)),
                    a.getFirstTsNanos(), a.getLastTsNanos(), frame(a.getFirstFrame()), frame(a.getLastFrame()),
                    a.getPackets(), a.getBytesC2s(), a.getBytesS2c(), a.getSynSeen(), a.getSynackSeen(),
                    Outcome.valueOf(a.getOutcome()), a.getReason(), clientHello(a.getClientHello()),
                    serverHello(a.getServerHello()), a.getClientHelloCount(), a.getServerHelloCount(),
                    certificatesBack(a.getCertificates()), alertsBack(a.getAlerts()), rolesBack(a.getRstFrom()),
                    List.copyOf(a.getRstFrames()), rolesBack(a.getFinFrom()), a.getResetAfterClientHello(),
                    rst(a.getRst()), abort(a.getAbort()), abort(a.getAbruptClose()), a.getStarttls(), a.getGaps(),
                    a.getCaptureLoss(), List.copyOf(a.getAnomalies()), a.getHistory());
        } catch (IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            throw new BadRecordException("session " + a.getFlowId() + ": " + e.getMessage(), e);
        }
    }

    private static ClientHelloInfo clientHello(dev.nfe.schema.v1.ClientHello a) {
        if (a == null) {
            return null;
        }
        ClientHello h = new ClientHello(a.getSslv2Format(), a.getRecordVersion() == null ? -1 : a.getRecordVersion(),
                a.getHandshakeVersion(), a.getCipherSuites(), List.of(), NOT_CARRIED, NOT_CARRIED,
                a.getExtensionTypes(), a.getSni(), a.getAlpn(), a.getSupportedVersions(), a.getSupportedGroups(),
                a.getEcPointFormats(), a.getSignatureAlgorithms(), a.getLength(), a.getRecords(), a.getTcpSegments());
        return new ClientHelloInfo(frame(a.getFrame()), a.getTsNanos(), h, a.getJa3(), a.getJa3Full(), a.getJa4(),
                a.getGrease());
    }

    private static ServerHelloInfo serverHello(dev.nfe.schema.v1.ServerHello a) {
        if (a == null) {
            return null;
        }
        ServerHello h = new ServerHello(a.getSslv2Format(), a.getRecordVersion() == null ? -1 : a.getRecordVersion(),
                a.getHandshakeVersion(), a.getSelectedVersion(), a.getCipher(), NOT_CARRIED, a.getExtensionTypes(),
                a.getAlpn(), a.getHelloRetryRequest());
        return new ServerHelloInfo(frame(a.getFrame()), a.getTsNanos(), h, a.getJa3s());
    }

    private static List<CertificateInfo> certificatesBack(List<Certificate> certs) {
        List<CertificateInfo> out = new ArrayList<>(certs.size());
        for (Certificate c : certs) {
            out.add(new CertificateInfo(c.getSubject(), c.getIssuer(), instant(c.getNotBefore()),
                    instant(c.getNotAfter()), c.getSan(), c.getSerial(), c.getSignatureAlgorithm(), c.getPublicKey(),
                    c.getSha256()));
        }
        return out;
    }

    private static List<AlertInfo> alertsBack(List<Alert> alerts) {
        List<AlertInfo> out = new ArrayList<>(alerts.size());
        for (Alert a : alerts) {
            dev.nfe.dissect.report.Alert alert = a.getEncrypted() ? dev.nfe.dissect.report.Alert.encryptedAlert()
                    : new dev.nfe.dissect.report.Alert(false, a.getLevel(), a.getDescription());
            out.add(new AlertInfo(frame(a.getFrame()), a.getTsNanos(), role(a.getFrom()), alert));
        }
        return out;
    }

    private static RstEvidence rst(Rst r) {
        if (r == null) {
            return null;
        }
        return new RstEvidence(role(r.getBy()), frame(r.getFrame()), r.getTsNanos(), r.getAfterClientHelloUs(),
                r.getClientHelloAcked(), r.getTtl(), r.getSenderTtl(), r.getServerTtl(), r.getIpId(),
                r.getInjectedSuspect());
    }

    private static AbortEvidence abort(Abort a) {
        if (a == null) {
            return null;
        }
        return new AbortEvidence(role(a.getBy()), frame(a.getFrame()), a.getTsNanos(), a.getAfterHandshakeUs(),
                a.getUnanswered(), a.getTtl(), a.getServerTtl(), a.getInjectedSuspect());
    }

    private static List<Role> rolesBack(List<String> names) {
        List<Role> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(role(n));
        }
        return out;
    }

    private static Role role(String wire) {
        for (Role r : Role.values()) {
            if (r.wireName().equals(wire)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown side " + wire);
    }

    private static Instant instant(String s) {
        return s == null ? null : Instant.parse(s);
    }

    private static long frame(Long frame) {
        return frame == null ? 0 : frame;
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
