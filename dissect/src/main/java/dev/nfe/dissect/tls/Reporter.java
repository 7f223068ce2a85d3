package dev.nfe.dissect.tls;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link TlsEvents} listener of one direction, with the frame and timestamp of the feed being
 * decoded: every layer reports through it, so every event carries the frame whose bytes completed
 * the unit (see {@link TlsStreamDecoder}). It also keeps the two "once" rules: an anomaly is
 * reported once per name, a violation once per direction (and after it the direction is broken).
 */
final class Reporter implements Issues {
    /** The listener; layers call it directly with {@link #frame} and {@link #ts}. */
    final TlsEvents events;
    /** frame number of the current feed (or gap) */
    long frame;
    /** timestamp of the current feed (or gap), in nanoseconds */
    long ts;
    /** feeds so far, the current one included (for ClientHello.tcpSegments) */
    long feeds;

    private Set<String> anomalies;
    private boolean broken;

    Reporter(TlsEvents events) {
        this.events = Objects.requireNonNull(events, "events");
    }

    /** A feed of bytes starts. */
    void feed(long frame, long tsNanos) {
        this.frame = frame;
        this.ts = tsNanos;
        feeds++;
    }

    /** A gap is announced (not a feed: no bytes arrive). */
    void gap(long frame, long tsNanos) {
        this.frame = frame;
        this.ts = tsNanos;
    }

    @Override
    public void anomaly(String name) {
        if (anomalies == null) {
            anomalies = new HashSet<>(8);
        }
        if (anomalies.add(name)) {
            events.anomaly(name, frame, ts);
        }
    }

    /** Reports the first violation of this direction; later ones are dropped. */
    @Override
    public void violation(String reason) {
        if (broken) {
            return;
        }
        broken = true;
        events.violation(reason, frame, ts);
    }

    /** True after a violation: nothing more is parsed in this direction. */
    boolean broken() {
        return broken;
    }
}
