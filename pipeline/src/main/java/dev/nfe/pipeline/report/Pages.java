package dev.nfe.pipeline.report;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Observation;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.pipeline.evidence.EvidenceLedger;
import dev.nfe.pipeline.output.CaptureStats;
import dev.nfe.pipeline.output.RunSummary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Puts the report page together: head (style, policy), the sections in reading order, the script. */
final class Pages {
    /** Severity, then size, then the earlier first: the order incidents are numbered in. */
    static final Comparator<Incident> WORST_FIRST = Comparator.comparing(Incident::severity).reversed()
            .thenComparing(Comparator.comparingLong(Incident::count).reversed())
            .thenComparingLong(Incident::firstTsNanos).thenComparing(Incident::incidentId);

    /**
     * No request of any kind: no scripts, styles, images, fonts or frames from anywhere, inline
     * ones excepted (the page's own style and script; SVG is inline markup).
     */
    static final String POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
            + "img-src data:; base-uri 'none'; form-action 'none'";

    private final ReportSpec spec;
    private final EvidenceLedger evidence;
    private final Timelines timelines;

    Pages(ReportSpec spec, EvidenceLedger evidence, Timelines timelines) {
        this.spec = spec;
        this.evidence = evidence;
        this.timelines = timelines;
    }

    String page(RunSummary summary, List<Incident> incidents, long incidentsLeftOut, Map<String, long[]> spans,
                Collection<CaptureStats> live, long lowConfidence, List<String> problems) {
        StringBuilder sb = new StringBuilder(1 << 16);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(POLICY).append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"").append(Html.esc(spec.version())).append("\">\n")
                .append("<title>nfe report: ").append(incidents.size()).append(incidents.size() == 1 ? " incident" : " incidents")
                .append(" — ").append(Html.esc(spec.source())).append("</title>\n")
                // first of all: errors of any later script land in the page itself
                .append("<script>window.nfeErrors=[];window.addEventListener('error',function(e){window.nfeErrors.push(")
                .append("String(e.message));var l=document.getElementById('script-errors');if(l){var i=document.")
                .append("createElement('li');i.textContent=String(e.message);l.appendChild(i);}});</script>\n")
                .append("<style>\n").append(resource("report.css")).append("</style></head>\n<body>\n");
        header(sb, summary, incidents, incidentsLeftOut, problems);
        sb.append("<section id=\"incidents\"><h2>Incidents</h2>\n");
        if (incidents.isEmpty()) {
            sb.append("<p>No incident: no server failed two or more handshakes alike, close together in time.</p>\n");
        }
        int n = 1;
        for (Incident i : incidents) {
            EvidenceLedger.Written w = evidence == null ? null : evidence.of(i.incidentId());
            IncidentHtml.render(sb, n++, i, w, evidence == null || w != null ? null : evidenceNote());
        }
        sb.append("</section>\n");
        timelineSection(sb, incidents);
        TablesHtml.facts(sb, summary, spans, live, lowConfidence);
        TablesHtml.servers(sb, summary);
        sb.append("<footer><p>Times are UTC. Written by ").append(Html.esc(spec.version())).append(" on ")
                .append(Html.esc(spec.writtenAt())).append(". This page is one file: it loads nothing from anywhere."
                        + "</p><ul id=\"script-errors\"></ul></footer>\n");
        sb.append("<script>\n").append(resource("report.js")).append("</script>\n</body></html>\n");
        return sb.toString();
    }

    private void header(StringBuilder sb, RunSummary s, List<Incident> incidents, long leftOut, List<String> problems) {
        long findings = s.counters().getOrDefault("findings", 0L);
        long sessions = s.counters().getOrDefault("sessions", 0L);
        sb.append("<header><h1>TLS handshake failures</h1>\n<p class=\"sub\">").append(Html.esc(spec.source()))
                .append("</p>\n<p class=\"lead\"><b>").append(incidents.size()).append(incidents.size() == 1 ? " incident" : " incidents")
                .append("</b> at ").append(plural(HtmlReportSink.incidentsPerHost(incidents).size(), "server")).append("; ")
                .append(Html.n(findings)).append(" failed handshakes among ").append(Html.n(sessions))
                .append(" TLS (or reset) connections.");
        if (leftOut > 0) {
            sb.append(" The ").append(Html.n(leftOut)).append(" least severe incidents are left out (at most ")
                    .append(HtmlReportSink.MAX_INCIDENTS).append(" are shown).");
        }
        sb.append("</p>\n<nav><a href=\"#incidents\">incidents</a> · <a href=\"#timelines\">timelines</a> · "
                + "<a href=\"#facts\">what was read</a> · <a href=\"#servers\">outcomes per server</a></nav>\n");
        for (RunSummary.CaptureReport c : s.captures()) {
            if (c.error() != null) {
                sb.append("<p class=\"damage\" data-capture=\"").append(Html.esc(c.capture())).append("\">")
                        .append(TablesHtml.damage(c)).append("</p>\n");
            }
        }
        for (String p : problems) {
            sb.append("<p class=\"problem\">").append(Html.esc(p)).append("</p>\n");
        }
        if (evidence != null) {
            for (String p : evidence.problems()) {
                sb.append("<p class=\"problem\">evidence: ").append(Html.esc(p)).append("</p>\n");
            }
        }
        sb.append("</header>\n");
    }

    static String plural(long n, String what) {
        return Html.n(n) + " " + what + (n == 1 ? "" : "s");
    }

    private String evidenceNote() {
        if (!evidence.problems().isEmpty()) {
            return "not written: " + evidence.problems().get(0);
        }
        return evidence.notWritten() > 0 ? "not written: over the cap on evidence files (--incident ID writes it)"
                : "not written";
    }

    private void timelineSection(StringBuilder sb, List<Incident> incidents) {
        sb.append("<section id=\"timelines\"><h2>Timelines</h2>\n");
        if (timelines.empty()) {
            sb.append("<p>No handshake to draw.</p></section>\n");
            return;
        }
        List<Timelines.Series> shown = chosen(incidents);
        Set<FindingKind> kinds = EnumSet.noneOf(FindingKind.class);
        for (Timelines.Series s : shown) {
            for (int i = 0; i < s.ticks(); i++) {
                kinds.add(s.tickKind(i));
            }
        }
        sb.append("<p class=\"legend\"><span class=\"swatch ok\"></span>completed handshakes (per ")
                .append(Html.duration(timelines.width())).append(")");
        for (FindingKind k : kinds) {
            sb.append(" <span class=\"kind\">").append(KindStyle.dot(k)).append(Html.esc(KindStyle.label(k))).append("</span>");
        }
        sb.append(" <span class=\"swatch band\"></span>incident <span class=\"swatch tick\"></span>its period</p>\n");
        TimelineSvg svg = new TimelineSvg(timelines.minTs(), timelines.maxTs(), timelines.width());
        for (Timelines.Series s : shown) {
            List<TimelineSvg.Numbered> here = new ArrayList<>();
            for (int i = 0; i < incidents.size(); i++) {
                if (Observation.hostKey(incidents.get(i).server()).equals(s.host)) {
                    here.add(new TimelineSvg.Numbered(i + 1, incidents.get(i)));
                }
            }
            sb.append("<figure class=\"server\" data-server=\"").append(Html.esc(s.label)).append("\"><figcaption><code>")
                    .append(Html.esc(String.join(", ", s.endpoints))).append("</code> ").append(Html.n(s.completed)).append(" completed, ")
                    .append(Html.n(s.failures)).append(" failed");
            if (s.ticksDropped > 0) {
                sb.append(" (failures drawn per bucket: more than ").append(Html.n(Timelines.MAX_TICKS)).append(")");
            }
            sb.append("</figcaption>\n").append(svg.render(s, here)).append("</figure>\n");
        }
        int all = timelines.all().size();
        if (all > shown.size() || timelines.serversNotFollowed() > 0) {
            sb.append("<p class=\"muted\">").append(Html.n(all - shown.size() + timelines.serversNotFollowed()))
                    .append(" more servers not drawn (servers with incidents first, then the most failures).</p>\n");
        }
        sb.append("</section>\n");
    }

    /** Servers with incidents (in incident order), then the most failures, then the busiest. */
    private List<Timelines.Series> chosen(List<Incident> incidents) {
        List<Timelines.Series> out = new ArrayList<>();
        for (Incident i : incidents) {
            Timelines.Series s = timelines.get(Observation.hostKey(i.server()));
            if (s != null && !out.contains(s) && out.size() < HtmlReportSink.MAX_TIMELINES) {
                out.add(s);
            }
        }
        List<Timelines.Series> rest = timelines.all();
        rest.removeAll(out);
        rest.sort(Comparator.comparingLong((Timelines.Series s) -> -s.failures)
                .thenComparingLong(s -> -s.completed).thenComparing(s -> s.label));
        for (Timelines.Series s : rest) {
            if (out.size() >= HtmlReportSink.MAX_TIMELINES) {
                break;
            }
            out.add(s);
        }
        return out;
    }

    private static String resource(String name) {
        try (InputStream in = Pages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("report resource " + name + " missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
