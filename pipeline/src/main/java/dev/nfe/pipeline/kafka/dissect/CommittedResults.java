package dev.nfe.pipeline.kafka.dissect;

import dev.nfe.pipeline.metrics.NfeMetrics;

import java.util.HashMap;
import java.util.Map;

/**
 * The results of the open transaction, counted only once it commits: an aborted transaction's
 * results are computed again and sent in a later one, and must count once, so that the counters
 * agree with what the sessions and findings topics hold. Kept as counts per outcome (a fixed
 * vocabulary), so a long transaction costs no memory. Poll thread only.
 */
final class CommittedResults {
    private final NfeMetrics metrics;
    private final Map<String, long[]> sessions = new HashMap<>();
    private final Map<String, long[]> findings = new HashMap<>();
    private long pendingDeadLetters;
    private long deadLetters;
    private long pendingObservations;
    private long observations;

    /** @param metrics where sessions and findings are counted by outcome; null: not counted */
    CommittedResults(NfeMetrics metrics) {
        this.metrics = metrics;
    }

    void session(String outcome) {
        if (metrics != null) {
            sessions.computeIfAbsent(outcome, o -> new long[1])[0]++;
        }
    }

    void finding(String outcome) {
        if (metrics != null) {
            findings.computeIfAbsent(outcome, o -> new long[1])[0]++;
        }
    }

    void deadLetter() {
        pendingDeadLetters++;
    }

    void observation() {
        pendingObservations++;
    }

    /** The open transaction committed: what it held counts. */
    void committed() {
        if (metrics != null) {
            sessions.forEach((outcome, n) -> {
                for (long i = 0; i < n[0]; i++) {
                    metrics.countSession(outcome);
                }
            });
            findings.forEach((outcome, n) -> {
                for (long i = 0; i < n[0]; i++) {
                    metrics.countFinding(outcome);
                }
            });
        }
        deadLetters += pendingDeadLetters;
        observations += pendingObservations;
        aborted();
    }

    /** The open transaction was aborted: what it held will be sent again. */
    void aborted() {
        sessions.clear();
        findings.clear();
        pendingDeadLetters = 0;
        pendingObservations = 0;
    }

    /** Observations in committed transactions. */
    long observations() {
        return observations;
    }

    /** Dead letters in committed transactions. */
    long deadLetters() {
        return deadLetters;
    }
}
