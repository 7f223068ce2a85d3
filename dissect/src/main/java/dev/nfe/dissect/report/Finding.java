package dev.nfe.dissect.report;

import dev.nfe.capture.Endpoint;

import java.util.List;

/**
 * A failed handshake a person can act on: one per session with a failure outcome.
 *
 * @param findingId      deterministic: the same connection and verdict give the same id in
 *                       every run (replay, Kafka, after a restart)
 * @param kind           the failure outcome, or RESET_AFTER_HANDSHAKE
 * @param summary        one human line: who, what, when, how long after the hello
 * @param evidenceFrames frames to open in Wireshark (hello, reaction, RST...)
 * @param confidence     what capture loss leaves of it: {@link Confidence#of}(session gaps, capture loss)
 * @param captureLoss    packets the capture lost (on its whole source) while the connection was open
 */
public record Finding(
        String findingId,
        FindingKind kind,
        Severity severity,
        long tsNanos,
        String capture,
        Endpoint client,
        Endpoint server,
        String sni,
        String flowId,
        String reason,
        String summary,
        List<Long> evidenceFrames,
        Confidence confidence,
        long captureLoss) {

    public Finding {
        evidenceFrames = List.copyOf(evidenceFrames);
    }
}
