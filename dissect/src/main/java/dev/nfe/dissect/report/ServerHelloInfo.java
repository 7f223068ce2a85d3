package dev.nfe.dissect.report;

import dev.nfe.dissect.report.ServerHello;

/** The first ServerHello of a session (from the server side), where it was seen, and its JA3S. */
public record ServerHelloInfo(long frame, long tsNanos, ServerHello hello, String ja3s) {
}
