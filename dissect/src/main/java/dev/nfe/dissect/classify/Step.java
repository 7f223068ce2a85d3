package dev.nfe.dissect.classify;

import dev.nfe.dissect.report.Role;

/** One turning point of a connection with its side resolved. */
public record Step(Role role, long frame, long tsNanos, Event event) {

    public EventKind kind() {
        return event.kind();
    }

    public boolean is(EventKind k, Role r) {
        return event.kind() == k && role == r;
    }
}
