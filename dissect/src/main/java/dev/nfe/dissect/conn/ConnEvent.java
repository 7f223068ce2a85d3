package dev.nfe.dissect.conn;

import dev.nfe.dissect.classify.Event;
import dev.nfe.dissect.classify.EventKind;

/**
 * One turning point of a connection, by direction index (0 = sender of the first segment seen),
 * before roles are known.
 */
public record ConnEvent(int dir, long frame, long tsNanos, Event event) {

    public EventKind kind() {
        return event.kind();
    }
}
