package dev.nfe.dissect.conn;

import dev.nfe.dissect.classify.EventKind;

/**
 * One turning point of a connection, by direction index (0 = sender of the first segment seen).
 * {@code data} carries the decoded value where there is one (a hello, an alert, RST facts).
 */
public record ConnEvent(EventKind kind, int dir, long frame, long tsNanos, Object data) {
}
