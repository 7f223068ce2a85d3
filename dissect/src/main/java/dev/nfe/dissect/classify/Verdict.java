package dev.nfe.dissect.classify;

import dev.nfe.dissect.report.Outcome;

/**
 * An outcome, a short snake_case reason, and the steps that decided it (hello, reaction).
 * {@code reaction} may be null (nothing answered). For a COMPLETED handshake, how it ended when
 * that was not orderly: {@code abort}, the first RST afterwards (either side), and
 * {@code abruptClose}, a FIN from the server without a close_notify; null when there was none.
 */
public record Verdict(Outcome outcome, String reason, Step hello, Step reaction, Abort abort, Abort abruptClose) {

    public Verdict(Outcome outcome, String reason, Step hello, Step reaction) {
        this(outcome, reason, hello, reaction, null, null);
    }

    Verdict withEndings(Endings e) {
        return new Verdict(outcome, reason, hello, reaction, e.abort(), e.abruptClose());
    }

    /** The two ways a completed handshake can end badly. */
    record Endings(Abort abort, Abort abruptClose) {
    }
}
