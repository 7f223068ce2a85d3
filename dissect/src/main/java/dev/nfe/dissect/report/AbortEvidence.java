package dev.nfe.dissect.report;

/**
 * A completed handshake that ended badly, and what it says (DESIGN.md, "Diagnosis"): the
 * session's {@code abort} (the first RST afterwards, either side) or {@code abrupt_close} (the
 * server's FIN without a close_notify).
 *
 * @param by                 the side whose address the RST carries
 * @param afterHandshakeMicros microseconds from the handshake's completion to the RST
 * @param unanswered         the client had sent data after the server's last data: a request waited
 * @param ttl                IP TTL / hop limit of the RST or FIN
 * @param serverTtl          TTL of the server's SYN-ACK (or first packet); null if unseen
 * @param injectedSuspect    its TTL disagrees with its claimed sender's: more likely a middlebox
 */
public record AbortEvidence(
        Role by,
        long frame,
        long tsNanos,
        long afterHandshakeMicros,
        boolean unanswered,
        int ttl,
        Integer serverTtl,
        boolean injectedSuspect) {
}
