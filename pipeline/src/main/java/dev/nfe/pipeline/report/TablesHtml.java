package dev.nfe.pipeline.report;

import dev.nfe.dissect.finding.OutcomeMeaning;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.pipeline.output.CaptureStats;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.pipeline.output.Timestamps;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The capture facts (what was read, from when to when, what was lost or damaged) and the per-server outcome table. */
final class TablesHtml {
    static final int MAX_SERVER_ROWS = 40;

    private TablesHtml() {
    }

    /**
     * @param spans capture → {first, last} time of its connections (absent: none seen)
     * @param live  the last counters of each live source (empty for files)
     */
    static void facts(StringBuilder sb, RunSummary s, Map<String, long[]> spans, Collection<CaptureStats> live,
                      long lowConfidence) {
        sb.append("<section id=\"facts\"><h2>What was read</h2>\n");
        if (!s.captures().isEmpty()) {
            sb.append("<table class=\"captures\"><thead><tr><th>capture</th><th class=\"n\">frames</th>"
                    + "<th class=\"n\">connections</th><th class=\"n\">findings</th><th>connections from … to (UTC)</th>"
                    + "<th>frames not decoded</th><th>read</th></tr></thead><tbody>\n");
            for (RunSummary.CaptureReport c : s.captures()) {
                long[] span = spans.get(c.capture());
                sb.append("<tr><td><code>").append(Html.esc(c.capture())).append("</code></td><td class=\"n\">")
                        .append(c.frames() < 0 ? "–" : Html.n(c.frames())).append("</td><td class=\"n\">")
                        .append(Html.n(c.sessions()))
                        .append("</td><td class=\"n\">").append(Html.n(c.findings())).append("</td><td>")
                        .append(span == null ? "–" : span(span[0], span[1])).append("</td><td>")
                        .append(skipped(c.skipped())).append("</td><td>")
                        .append(c.frames() < 0 ? "its committed sessions" // from Kafka: the file itself is not read
                                : c.error() == null ? "whole file" : "<b class=\"bad\">up to the damage</b>")
                        .append("</td></tr>\n");
            }
            sb.append("</tbody></table>\n");
        }
        for (CaptureStats st : live) {
            sb.append("<p class=\"live\"><code>").append(Html.esc(st.source())).append("</code>: ")
                    .append(Html.n(st.processed())).append(" frames processed, ").append(Html.n(st.captureLoss()))
                    .append(" lost (kernel ").append(Html.n(st.pcapDropped())).append(", interface ")
                    .append(Html.n(st.pcapIfDropped())).append(", queue ").append(Html.n(st.queueDropped())).append(")</p>\n");
        }
        Map<String, Long> k = s.counters();
        List<String> facts = new ArrayList<>();
        if (k.containsKey("frames")) { // results read from Kafka carry no frame counts
            facts.add(Html.n(k.get("frames")) + " frames");
            facts.add(Html.n(k.getOrDefault("segments", 0L)) + " TCP segments");
        }
        facts.add(Html.n(k.getOrDefault("sessions", 0L)) + " TLS (or reset) connections");
        facts.add(Html.n(k.getOrDefault("findings", 0L)) + " findings");
        facts.add(Pages.plural(k.getOrDefault("incidents", 0L), "incident"));
        facts.add(live.isEmpty() ? "capture files carry no loss counters" : "capture loss as above");
        facts.add(Html.n(lowConfidence) + " findings of lower confidence (bytes missing in the flow, or loss meanwhile)");
        for (String cap : List.of("flows_evicted_table_full", "reassembly_budget_refusals", "timelines_capped",
                "internal_errors", "incidents_closed_early")) {
            if (k.getOrDefault(cap, 0L) > 0) {
                facts.add(Html.n(k.get(cap)) + " " + cap.replace('_', ' ') + " (a cap was hit)");
            }
        }
        sb.append("<p class=\"counters\">").append(String.join(" · ", facts)).append("</p>\n</section>\n");
    }

    /**
     * A capture's damage for people: "FILE is damaged at byte N: what. The report shows the F frames
     * read before it." (the reader's message names the file and offset twice over).
     */
    static String damage(RunSummary.CaptureReport c) {
        java.util.regex.Matcher m = DAMAGE.matcher(c.error());
        String what = m.find() ? "damaged at byte " + m.group(1) + ": " + m.group(2) : c.error();
        return "<b>" + Html.esc(c.capture()) + "</b> is " + Html.esc(what) + ". The report shows the "
                + Html.n(c.frames()) + " frames read before the damage.";
    }

    private static final java.util.regex.Pattern DAMAGE =
            java.util.regex.Pattern.compile("pcap(?:ng)? damaged at byte (\\d+): (.*?)(?:; \\d+ frames read before it)?$");

    /** "2026-12-06 21:20:56 – 21:22:25 (88.7 s)", the date once when both ends share it. */
    private static String span(long from, long to) {
        String a = Timestamps.human(from);
        String b = Timestamps.human(to);
        String end = a.substring(0, 10).equals(b.substring(0, 10)) ? b.substring(11) : b;
        return Html.esc(a) + " – " + Html.esc(end) + " (" + Html.duration(to - from) + ")";
    }

    private static String skipped(Map<String, Long> skipped) {
        if (skipped.isEmpty()) {
            return "–";
        }
        List<String> parts = new ArrayList<>();
        skipped.forEach((r, n) -> parts.add(Html.esc(r) + " " + Html.n(n)));
        return String.join(", ", parts);
    }

    static void servers(StringBuilder sb, RunSummary s) {
        sb.append("<section id=\"servers\"><h2>Outcomes per server</h2>\n");
        if (s.servers().isEmpty()) {
            sb.append("<p>No TLS (or reset) connections found.</p></section>\n");
            return;
        }
        List<Outcome> cols = new ArrayList<>();
        for (Outcome o : Outcome.values()) {
            if (s.outcomes().containsKey(o.name())) {
                cols.add(o);
            }
        }
        sb.append("<table class=\"outcomes\"><thead><tr><th>server</th><th class=\"n\">connections</th>");
        for (Outcome o : cols) {
            sb.append("<th class=\"n\" title=\"").append(Html.esc(o.name())).append("\">").append(Html.esc(OutcomeMeaning.label(o)))
                    .append("</th>");
        }
        sb.append("</tr></thead><tbody>\n");
        int shown = 0;
        for (Map.Entry<String, Map<String, Long>> row : s.servers().entrySet()) {
            if (shown++ == MAX_SERVER_ROWS) {
                break;
            }
            long total = row.getValue().values().stream().mapToLong(Long::longValue).sum();
            sb.append("<tr data-server=\"").append(Html.esc(row.getKey())).append("\"><td><code>")
                    .append(Html.esc(row.getKey())).append("</code></td><td class=\"n\">").append(Html.n(total)).append("</td>");
            for (Outcome o : cols) {
                long v = row.getValue().getOrDefault(o.name(), 0L);
                sb.append("<td class=\"n").append(v > 0 && o.failure() ? " failed" : "").append("\">")
                        .append(v == 0 ? "·" : Html.n(v)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        long total = s.outcomes().values().stream().mapToLong(Long::longValue).sum();
        sb.append("<tr class=\"total\"><td>total</td><td class=\"n\">").append(Html.n(total)).append("</td>");
        for (Outcome o : cols) {
            sb.append("<td class=\"n\">").append(Html.n(s.outcomes().get(o.name()))).append("</td>");
        }
        sb.append("</tr></tbody></table>\n");
        if (s.servers().size() > MAX_SERVER_ROWS) {
            sb.append("<p class=\"muted\">").append(Html.n(s.servers().size() - MAX_SERVER_ROWS))
                    .append(" more servers (nfe replay --format jsonl lists them all).</p>\n");
        }
        sb.append("</section>\n");
    }
}
