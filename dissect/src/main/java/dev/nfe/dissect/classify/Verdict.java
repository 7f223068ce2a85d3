package dev.nfe.dissect.classify;

import dev.nfe.dissect.report.Outcome;

/**
 * An outcome, a short snake_case reason, and the steps that decided it (hello, reaction).
 * {@code reaction} may be null (nothing answered).
 */
public record Verdict(Outcome outcome, String reason, Step hello, Step reaction) {
}
