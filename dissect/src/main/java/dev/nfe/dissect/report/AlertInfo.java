package dev.nfe.dissect.report;

import dev.nfe.dissect.report.Alert;

/** An alert record seen in a session. */
public record AlertInfo(long frame, long tsNanos, Role from, Alert alert) {
}
