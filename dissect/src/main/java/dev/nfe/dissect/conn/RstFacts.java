package dev.nfe.dissect.conn;

/**
 * What the IP/TCP headers of a RST say, plus how far each side had acknowledged the other's
 * stream when it arrived (stream positions, -1 when unknown).
 */
public record RstFacts(int ttl, int ipId, long ackPosByDir0, long ackPosByDir1) {
}
