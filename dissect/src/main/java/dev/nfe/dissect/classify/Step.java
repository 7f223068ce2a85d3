package dev.nfe.dissect.classify;

import dev.nfe.dissect.report.Role;

/** One turning point of a connection with its side resolved. {@code data} as in the connection's log. */
public record Step(EventKind kind, Role role, long frame, long tsNanos, Object data) {

    public boolean is(EventKind k, Role r) {
        return kind == k && role == r;
    }
}
