package dev.nfe.pipeline.report;

import dev.nfe.dissect.incident.Discriminator;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Recurrence;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.pipeline.evidence.EvidenceLedger;
import dev.nfe.pipeline.output.Timestamps;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One incident as an article: the story first (the paragraph nfe writes), then its facts, the
 * differential table (failed against completed hellos, feature by feature), and its evidence file
 * with the first connections in it. The article carries {@code data-incident-id}.
 */
final class IncidentHtml {
    private IncidentHtml() {
    }

    /**
     * @param evidence the evidence written for it, or null
     * @param evidenceNote why there is none when --evidence was given (null: say nothing)
     */
    static void render(StringBuilder sb, int number, Incident i, EvidenceLedger.Written evidence, String evidenceNote) {
        String sev = i.severity().name().toLowerCase(Locale.ROOT);
        sb.append("<article class=\"incident sev-").append(sev).append("\" id=\"incident-").append(Html.esc(i.incidentId()))
                .append("\" data-incident-id=\"").append(Html.esc(i.incidentId())).append("\">\n");
        sb.append("<h3><span class=\"num\">#").append(number).append("</span> <span class=\"badge ").append(sev).append("\">")
                .append(i.severity().name()).append("</span> ").append(Html.esc(i.fault().code().replace('_', ' ')))
                .append(" at <code>").append(Html.esc(String.join(", ", i.servers()))).append("</code> <span class=\"state ")
                .append(i.state().code()).append("\">").append(i.state().code()).append("</span></h3>\n");
        sb.append("<p class=\"story\">").append(Html.esc(i.summary())).append("</p>\n");
        facts(sb, i, evidence, evidenceNote);
        differential(sb, i);
        if (evidence != null && !evidence.first().isEmpty()) {
            first(sb, evidence);
        }
        sb.append("<p class=\"id\">incident id <code>").append(Html.esc(i.incidentId())).append("</code></p>\n");
        sb.append("</article>\n");
    }

    private static void facts(StringBuilder sb, Incident i, EvidenceLedger.Written evidence, String note) {
        sb.append("<dl class=\"facts\">\n");
        dt(sb, "when", Html.esc(Timestamps.human(i.firstTsNanos())) + " to " + Html.esc(Timestamps.human(i.lastTsNanos()))
                + " UTC (" + Html.duration(i.lastTsNanos() - i.firstTsNanos()) + ")");
        StringBuilder kinds = new StringBuilder();
        for (Map.Entry<FindingKind, Long> e : i.kinds().entrySet()) {
            kinds.append("<span class=\"kind\">").append(KindStyle.dot(e.getKey())).append(Html.n(e.getValue())).append(' ')
                    .append(Html.esc(KindStyle.label(e.getKey()))).append("</span> ");
        }
        dt(sb, "failures", "<b>" + Html.n(i.count()) + "</b>: " + kinds);
        dt(sb, "completed meanwhile", Html.n(i.okDuring()) + " handshakes (failures " + Html.pct(i.count(),
                i.count() + i.okDuring()) + " of all)");
        Recurrence r = i.recurrence();
        dt(sb, "recurrence", r == null ? "none found"
                : String.format(Locale.ROOT, "<b>every %.2f s</b> (±%.2f s; %d events over %d cycles, %d missed)",
                r.periodS(), r.jitterS(), r.events(), r.cycles(), r.missedCycles()));
        dt(sb, "RST origin", i.rstSource() == null ? "no RST or FIN with TTL evidence" : Html.esc(i.rstSource().replace('_', ' '))
                + " (TTL matched " + Html.n(i.rstTtlMatches()) + ", differed " + Html.n(i.rstTtlMismatches()) + ")");
        dt(sb, "clients", Html.n(i.distinctClients()) + (i.clientsCapped() ? "+" : "") + " distinct; e.g. "
                + Html.esc(String.join(", ", i.sampleClients())));
        StringBuilder formats = new StringBuilder();
        i.helloFormats().forEach((k, v) -> formats.append(Html.esc(k)).append(" ").append(Html.n(v)).append("; "));
        dt(sb, "failed hellos", formats.length() == 0 ? "none" : formats.substring(0, formats.length() - 2));
        if (i.medianAfterHelloMicros() != null) {
            dt(sb, "after the hello", "median " + Html.duration(i.medianAfterHelloMicros() * 1000));
        }
        if (evidence != null) {
            StringBuilder ev = new StringBuilder("<code class=\"evidence-file\">").append(Html.esc(evidence.file().getFileName().toString()))
                    .append("</code>: ").append(Html.n(evidence.frames())).append(" frames, ").append(evidence.connections())
                    .append(" of ").append(Html.n(evidence.failing())).append(" failing connections");
            if (evidence.leftOutFile() != null) {
                ev.append(" (the others in <code>").append(Html.esc(evidence.leftOutFile().getFileName().toString()))
                        .append("</code>)");
            }
            ev.append(evidence.comparison() == null ? "; no completed handshake to compare with"
                    : "; compared with " + Html.esc(evidence.comparison()));
            dt(sb, "evidence", ev.toString());
        } else if (note != null) {
            dt(sb, "evidence", Html.esc(note));
        }
        sb.append("</dl>\n");
    }

    private static void dt(StringBuilder sb, String term, String html) {
        sb.append("<dt>").append(term).append("</dt><dd>").append(html).append("</dd>\n");
    }

    /**
     * Failed against completed hellos, one row per feature: {@link Incident#contrasts()} (every
     * feature, separating or not), or the discriminators when the incident came without them.
     */
    private static void differential(StringBuilder sb, Incident i) {
        // every feature's row, and any separating value that is not already one of them
        List<Discriminator> rows = new ArrayList<>(i.contrasts());
        Set<String> separating = new HashSet<>();
        Set<String> shown = new HashSet<>();
        rows.forEach(d -> shown.add(key(d)));
        for (Discriminator d : i.discriminators()) {
            separating.add(key(d));
            if (shown.add(key(d))) {
                rows.add(d);
            }
        }
        long completed = rows.isEmpty() ? 0 : rows.get(0).okOf();
        sb.append("<div class=\"differential\" data-rows=\"").append(rows.size()).append("\">");
        if (rows.isEmpty() || completed == 0) {
            sb.append("<h4>Failed against completed hellos</h4>\n<p class=\"muted\">").append(rows.isEmpty()
                    ? "No hellos to compare: no failure carried a ClientHello."
                    : "No handshake completed at this server meanwhile: nothing to compare the failed hellos with.")
                    .append("</p></div>\n");
            return;
        }
        // open when something separates them; folded when nothing does (the sentence above says so)
        sb.append(i.discriminators().isEmpty() ? "<details>" : "<details open>")
                .append("<summary><h4>Failed against completed hellos</h4> <span class=\"muted\">")
                .append(i.discriminators().isEmpty() ? "nothing in the hello separates them"
                        : Pages.plural(i.discriminators().size(), "feature") + " separate them")
                .append("</span></summary>\n");
        sb.append("<table class=\"diff\"><thead><tr><th>feature</th><th>value</th><th>failed hellos</th>"
                + "<th>completed hellos</th><th></th></tr></thead><tbody>\n");
        for (Discriminator d : rows) {
            boolean sep = separating.contains(key(d));
            sb.append("<tr").append(sep ? " class=\"separates\"" : "").append("><td>").append(Html.esc(d.feature()))
                    .append("</td><td><code>").append(Html.esc(d.value())).append("</code></td><td>")
                    .append(share(d.failed(), d.failedOf(), "fail")).append("</td><td>")
                    .append(share(d.ok(), d.okOf(), "ok")).append("</td><td>").append(sep ? "separates them" : "")
                    .append("</td></tr>\n");
        }
        sb.append("</tbody></table>\n<p class=\"muted\">For each feature, the value whose share differs most. ");
        sb.append(i.discriminators().isEmpty()
                ? "None is in at least 80% of the failed hellos and at most 20% of the completed ones (or the reverse): "
                + "nothing in the hello triggers the failures."
                : "Marked rows pass the bar: in at least 80% of the failed hellos and at most 20% of the completed ones "
                + "(or the reverse).");
        sb.append("</p></details></div>\n");
    }

    /** A feature and value, "!" or not: a discriminator "!x" marks the row of x. */
    private static String key(Discriminator d) {
        return d.feature() + "=" + (d.negated() ? d.value().substring(1) : d.value());
    }

    private static String share(long n, long of, String cls) {
        double w = of == 0 ? 0 : 100.0 * n / of;
        return "<span class=\"share\"><span class=\"bar " + cls + "\" style=\"width:" + Html.f(w * 0.6) + "px\"></span>"
                + Html.n(n) + " of " + Html.n(of) + " <span class=\"muted\">(" + Html.pct(n, of) + ")</span></span>";
    }

    private static void first(StringBuilder sb, EvidenceLedger.Written evidence) {
        sb.append("<details class=\"first\"><summary>The first failing connections in the evidence file</summary>\n"
                + "<table><thead><tr><th>time (UTC)</th><th>finding</th><th>kind</th><th>what happened</th></tr></thead><tbody>\n");
        for (EvidenceLedger.Listed l : evidence.first()) {
            sb.append("<tr><td>").append(Html.esc(Timestamps.human(l.tsNanos()))).append("</td><td><code>")
                    .append(Html.esc(l.findingId())).append("</code></td><td>").append(Html.esc(l.kind()))
                    .append("</td><td>").append(Html.esc(l.summary())).append("</td></tr>\n");
        }
        sb.append("</tbody></table></details>\n");
    }
}
