package dev.nfe.dissect.tls;

import java.util.ArrayList;
import java.util.List;

/** {@link Issues} for fuzz harnesses: remembers what the parser reported, so its answer can be checked against it. */
final class FuzzIssues implements Issues {
    final List<String> anomalies = new ArrayList<>();
    final List<String> violations = new ArrayList<>();

    @Override
    public void anomaly(String name) {
        anomalies.add(name);
    }

    @Override
    public void violation(String reason) {
        violations.add(reason);
    }
}
