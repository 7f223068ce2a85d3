package dev.nfe.pipeline.output;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.SessionRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Counts sessions per outcome and per server as they are written, with a cap on servers. */
public final class SummaryCollector {
    private final int maxServers;
    private final EnumMap<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
    /** Keyed by the endpoint itself: turning 30,000 endpoints into text just to count them was a third of the writer's time. */
    private final Map<Endpoint, long[]> servers = new HashMap<>();
    private final long[] otherServers = new long[Outcome.values().length];
    private boolean serversCapped;
    private final List<RunSummary.CaptureReport> captures = new ArrayList<>();
    private final Map<String, Long> counters = new TreeMap<>();

    public SummaryCollector(int maxServers) {
        this.maxServers = maxServers;
    }

    public void session(SessionRecord s) {
        Long n = outcomes.get(s.outcome());
        outcomes.put(s.outcome(), n == null ? 1L : n + 1);
        long[] byOutcome = servers.get(s.server());
        if (byOutcome == null) {
            if (servers.size() >= maxServers) {
                serversCapped = true;
                byOutcome = otherServers;
            } else {
                byOutcome = new long[Outcome.values().length];
                servers.put(s.server(), byOutcome);
            }
        }
        byOutcome[s.outcome().ordinal()]++;
    }

    public void count(String name, long delta) {
        counters.merge(name, delta, Long::sum);
    }

    public void capture(RunSummary.CaptureReport report) {
        captures.add(report);
    }

    public RunSummary build() {
        Map<String, Long> o = new LinkedHashMap<>();
        for (Outcome x : Outcome.values()) {
            Long n = outcomes.get(x);
            if (n != null) {
                o.put(x.name(), n);
            }
        }
        List<Map.Entry<String, long[]>> rows = new ArrayList<>();
        for (Map.Entry<Endpoint, long[]> e : servers.entrySet()) {
            rows.add(Map.entry(e.getKey().toString(), e.getValue()));
        }
        if (serversCapped) {
            rows.add(Map.entry("(other servers)", otherServers));
        }
        rows.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -total(e.getValue()))
                .thenComparing(Map.Entry::getKey));
        Map<String, Map<String, Long>> s = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : rows) {
            Map<String, Long> m = new LinkedHashMap<>();
            for (Outcome x : Outcome.values()) {
                long n = e.getValue()[x.ordinal()];
                if (n > 0) {
                    m.put(x.name(), n);
                }
            }
            s.put(e.getKey(), m);
        }
        return new RunSummary(o, s, serversCapped, List.copyOf(captures), new LinkedHashMap<>(counters));
    }

    private static long total(long[] v) {
        long t = 0;
        for (long x : v) {
            t += x;
        }
        return t;
    }
}
