package dev.nfe.dissect.report;

import dev.nfe.dissect.tls.ClientHello;

/** The first ClientHello of a session, where it was seen, and its fingerprints (null when not computable). */
public record ClientHelloInfo(long frame, long tsNanos, ClientHello hello, String ja3, String ja3Full, String ja4) {
}
