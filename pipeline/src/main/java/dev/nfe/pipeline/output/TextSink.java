package dev.nfe.pipeline.output;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.finding.OutcomeMeaning;
import dev.nfe.dissect.report.Confidence;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.SessionRecord;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Output for people. A run over files tells the story first: one paragraph per incident (what,
 * where, since when, how often, what the failed hellos share, who sent the RSTs), then one line
 * per finding in time order (when, how bad, what, and the frames to open in Wireshark), then a
 * per-server table of outcomes. Finding lines are kept until then in bounded memory
 * ({@link TimeOrderedLines}). A live run ({@code live}) cannot wait for the end: it writes its
 * finding lines at every flush, in time order within each, and each incident as it changes.
 */
public final class TextSink implements ResultSink {
    private static final int MAX_INCIDENTS_SHOWN = 200;
    private static final int MAX_SERVERS_SHOWN = 40;

    private final PrintStream out;
    private final boolean live;
    private final List<Incident> incidents = new ArrayList<>();
    private long incidentsDropped;
    private final boolean multipleCaptures;
    private final List<String> captures = new ArrayList<>();
    private final TimeOrderedLines ordered = new TimeOrderedLines();
    /** Live: the lines since the last flush, with their times. */
    private final List<Map.Entry<Long, String>> batch = new ArrayList<>();
    private long findings;
    private final StringBuilder line = new StringBuilder(256);

    public TextSink(PrintStream out, boolean multipleCaptures, boolean live) {
        this.out = out;
        this.multipleCaptures = multipleCaptures;
        this.live = live;
    }

    @Override
    public void session(SessionRecord s) {
        // sessions without a finding are only counted (summary table)
    }

    @Override
    public void finding(Finding f) throws IOException {
        findings++;
        // one line per finding; no printf: a replay may print tens of thousands of them
        line.setLength(0);
        line.append(Timestamps.human(f.tsNanos())).append("  ");
        pad(line, f.severity().name(), 7);
        pad(line, f.kind().name(), 27);
        line.append(f.summary());
        if (f.confidence() != Confidence.HIGH) {
            // a lost packet can fake a missing answer: say so on the line a person reads
            line.append(" [confidence ").append(f.confidence().code());
            if (f.captureLoss() > 0) {
                line.append(": capture lost ").append(f.captureLoss()).append(" packets meanwhile");
            }
            line.append(']');
        }
        if (live) {
            batch.add(Map.entry(f.tsNanos(), line.toString()));
            return;
        }
        int group = captures.indexOf(f.capture());
        if (group < 0) {
            group = captures.size();
            captures.add(f.capture());
        }
        ordered.add(group, f.tsNanos(), f.findingId(), line.toString());
    }

    @Override
    public void flush() {
        if (!batch.isEmpty()) {
            batch.sort(Map.Entry.comparingByKey());
            batch.forEach(e -> out.println(e.getValue()));
            batch.clear();
        }
        out.flush();
    }

    @Override
    public void incident(Incident i) {
        if (live) {
            flush();
            out.println("incident " + i.state().code() + " " + i.incidentId() + " " + i.severity().name() + " "
                    + i.fault().name() + ": " + i.summary());
            return;
        }
        if (incidents.size() < MAX_INCIDENTS_SHOWN) {
            incidents.add(i);
        } else {
            incidentsDropped++;
        }
    }

    @Override
    public void summary(RunSummary summary) throws IOException {
        if (live) {
            flush();
        } else {
            stories();
            if (findings > 0) {
                out.println();
                out.println("Findings, in time order:");
                int[] shown = {-1};
                ordered.drain((group, text) -> {
                    if (multipleCaptures && group != shown[0]) {
                        shown[0] = group;
                        out.println("== " + captures.get(group));
                    }
                    out.println(text);
                });
            }
        }
        table(summary);
        out.flush();
    }

    /** The incidents, worst first: severity, then size. */
    private void stories() {
        if (incidents.isEmpty()) {
            return;
        }
        incidents.sort(java.util.Comparator.comparing((Incident i) -> i.severity()).reversed()
                .thenComparing(java.util.Comparator.comparingLong(Incident::count).reversed())
                .thenComparingLong(Incident::firstTsNanos));
        out.println("Incidents (one fault at one server, close in time):");
        int n = 1;
        for (Incident i : incidents) {
            out.printf(Locale.ROOT, "  #%d %-6s %s: %s%n", n++, i.severity().name(), i.fault().name(), i.summary());
        }
        if (incidentsDropped > 0) {
            out.println("  ... and " + incidentsDropped + " more (use --format jsonl for all)");
        }
    }

    private void table(RunSummary s) {
        out.println();
        if (s.servers().isEmpty()) {
            out.println("No TLS (or reset) connections found.");
            return;
        }
        Set<Outcome> cols = new LinkedHashSet<>();
        for (Outcome o : Outcome.values()) {
            if (s.outcomes().containsKey(o.name())) {
                cols.add(o);
            }
        }
        int w = "server".length();
        int shown = 0;
        for (String server : s.servers().keySet()) {
            if (shown++ == MAX_SERVERS_SHOWN) {
                break;
            }
            w = Math.max(w, server.length());
        }
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s %8s", "server", "sessions"));
        for (Outcome o : cols) {
            head.append(' ').append(String.format(Locale.ROOT, "%" + Math.max(5, OutcomeMeaning.label(o).length()) + "s", OutcomeMeaning.label(o)));
        }
        out.println("Outcomes per server:");
        out.println(head);
        shown = 0;
        for (Map.Entry<String, Map<String, Long>> row : s.servers().entrySet()) {
            if (shown++ == MAX_SERVERS_SHOWN) {
                out.println("... " + (s.servers().size() - MAX_SERVERS_SHOWN) + " more servers (use --format jsonl for all)");
                break;
            }
            long total = row.getValue().values().stream().mapToLong(Long::longValue).sum();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s %8d", row.getKey(), total));
            for (Outcome o : cols) {
                long v = row.getValue().getOrDefault(o.name(), 0L);
                line.append(' ').append(String.format(Locale.ROOT, "%" + Math.max(5, OutcomeMeaning.label(o).length()) + "s",
                        v == 0 ? "." : Long.toString(v)));
            }
            out.println(line);
        }
        long total = s.outcomes().values().stream().mapToLong(Long::longValue).sum();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s %8d", "total", total));
        for (Outcome o : cols) {
            line.append(' ').append(String.format(Locale.ROOT, "%" + Math.max(5, OutcomeMeaning.label(o).length()) + "s",
                    s.outcomes().get(o.name())));
        }
        out.println(line);
        for (RunSummary.CaptureReport c : s.captures()) {
            if (c.error() != null) {
                out.println("note: " + c.capture() + ": " + c.error() + " (results above cover the capture up to there)");
            }
        }
    }

    private static void pad(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
    }

}
