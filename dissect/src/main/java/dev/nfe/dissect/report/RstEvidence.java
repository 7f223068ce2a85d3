package dev.nfe.dissect.report;


/**
 * The first RST of a session and what it says about who sent it.
 *
 * @param by                    the side whose address the RST carries
 * @param frame                 frame of the RST
 * @param tsNanos               its timestamp
 * @param afterClientHelloMicros microseconds from the ClientHello to the RST; null when the RST came first
 * @param clientHelloAcked      the server had acknowledged the whole ClientHello (by this RST at the latest)
 * @param ttl                   IP TTL / hop limit of the RST
 * @param senderTtl             TTL the claimed sender used before (its SYN / SYN-ACK or first packet); null if unseen
 * @param serverTtl             TTL of the server's SYN-ACK (or first packet); null if unseen
 * @param ipId                  IPv4 ID of the RST; null for IPv6
 * @param injectedSuspect       the RST's TTL disagrees with its claimed sender's: more likely a middlebox
 */
public record RstEvidence(
        Role by,
        long frame,
        long tsNanos,
        Long afterClientHelloMicros,
        boolean clientHelloAcked,
        int ttl,
        Integer senderTtl,
        Integer serverTtl,
        Integer ipId,
        boolean injectedSuspect) {
}
