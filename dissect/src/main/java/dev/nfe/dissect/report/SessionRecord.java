package dev.nfe.dissect.report;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.CertificateInfo;

import java.util.List;

/**
 * Everything nfe learned about one TCP connection: the {@code session} record of the JSON-lines
 * contract in DESIGN.md (same fields, Java names). Frame numbers are 0 when unknown (live).
 */
public record SessionRecord(
        String capture,
        String flowId,
        Endpoint client,
        Endpoint server,
        ClientBasis clientBasis,
        long firstTsNanos,
        long lastTsNanos,
        long firstFrame,
        long lastFrame,
        long packets,
        long bytesC2s,
        long bytesS2c,
        boolean synSeen,
        boolean synackSeen,
        Outcome outcome,
        String reason,
        ClientHelloInfo clientHello,
        ServerHelloInfo serverHello,
        int clientHelloCount,
        int serverHelloCount,
        List<CertificateInfo> certificates,
        List<AlertInfo> alerts,
        List<Role> rstFrom,
        List<Long> rstFrames,
        List<Role> finFrom,
        boolean resetAfterClientHello,
        RstEvidence rst,
        AbortEvidence abort,
        AbortEvidence abruptClose,
        String starttls,
        long gaps,
        long captureLoss,
        List<String> anomalies,
        String history) {

    public SessionRecord {
        certificates = List.copyOf(certificates);
        alerts = List.copyOf(alerts);
        rstFrom = List.copyOf(rstFrom);
        rstFrames = List.copyOf(rstFrames);
        finFrom = List.copyOf(finFrom);
        anomalies = List.copyOf(anomalies);
    }

    /** The SNI of the first ClientHello, or null. */
    public String sni() {
        return clientHello == null ? null : clientHello.hello().sni();
    }
}
