package dev.nfe.dissect.report;

import dev.nfe.dissect.report.ClientHello;

/**
 * The first ClientHello of a session, where it was seen, and what is derived from it: its
 * fingerprints (null when not computable) and whether it carries GREASE values (computed once
 * per distinct hello, like the fingerprints).
 */
public record ClientHelloInfo(long frame, long tsNanos, ClientHello hello, String ja3, String ja3Full, String ja4,
                              boolean grease) {
}
