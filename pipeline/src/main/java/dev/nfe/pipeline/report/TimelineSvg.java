package dev.nfe.pipeline.report;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Recurrence;
import dev.nfe.dissect.report.FindingKind;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * One server's timeline as inline SVG, drawn from {@link Timelines.Series}: completed handshakes as
 * bars per time bucket, each failure as a tick in its kind's colour (bars per bucket when there
 * were too many to keep each), each incident as a band with its number, and for an incident that
 * recurs, a tick at every period, placed at the phase the failures keep: a crash loop shows as
 * failures that sit on the ticks. Every server is drawn on the same time axis.
 */
final class TimelineSvg {
    static final int WIDTH = 960;
    private static final int LEFT = 92;
    private static final int RIGHT = 12;
    private static final int LANE = 34;
    private static final int TOP = 4;
    /** Lanes: completed, failures, incidents (bands and period ticks), then the axis. */
    private static final int Y_OK = TOP;
    private static final int Y_FAIL = Y_OK + LANE + 6;
    private static final int Y_INC = Y_FAIL + LANE + 6;
    private static final int INC_H = 20;
    private static final int Y_AXIS = Y_INC + INC_H + 4;
    static final int HEIGHT = Y_AXIS + 18;
    /** More period ticks than this in one incident would be a grey smear: they are left out (and said so). */
    static final int MAX_PERIOD_TICKS = 400;

    /** An incident at this server and its number in the report. */
    record Numbered(int number, Incident incident) {
    }

    private final long t0;
    private final long t1;
    private final long bucketWidth;

    TimelineSvg(long t0, long t1, long bucketWidth) {
        // a single instant still gets a visible span
        this.t0 = t0;
        this.t1 = Math.max(t1, t0 + 1_000_000_000L);
        this.bucketWidth = bucketWidth;
    }

    private double x(long ts) {
        return LEFT + (double) (ts - t0) / (t1 - t0) * (WIDTH - LEFT - RIGHT);
    }

    String render(Timelines.Series s, List<Numbered> incidents) {
        StringBuilder sb = new StringBuilder(8192);
        sb.append("<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" role=\"img\" data-server=\"").append(Html.esc(s.label))
                .append("\" data-servers=\"").append(Html.esc(String.join(" ", s.endpoints)))
                // the time axis: x0..x1 in the viewBox is t0..t1 (epoch ns), for readers of the drawing
                .append("\" data-x0=\"").append(LEFT).append("\" data-x1=\"").append(WIDTH - RIGHT)
                .append("\" data-t0=\"").append(t0).append("\" data-t1=\"").append(t1)
                .append("\" aria-label=\"timeline of ")
                .append(Html.esc(s.label)).append("\">");
        sb.append("<title>").append(Html.esc(s.label)).append(": ").append(Html.n(s.completed))
                .append(" completed handshakes, ").append(Html.n(s.failures)).append(" failures</title>");
        lanes(sb);
        for (Numbered n : incidents) {
            band(sb, n);
        }
        completed(sb, s);
        for (Numbered n : incidents) {
            periodTicks(sb, n, s); // under the failures: a failure on the period covers its tick
        }
        failures(sb, s);
        axis(sb);
        return sb.append("</svg>").toString();
    }

    private void lanes(StringBuilder sb) {
        String[][] lanes = {{"completed", Integer.toString(Y_OK), Integer.toString(LANE)},
                {"failures", Integer.toString(Y_FAIL), Integer.toString(LANE)},
                {"incidents", Integer.toString(Y_INC), Integer.toString(INC_H)}};
        for (String[] l : lanes) {
            int y = Integer.parseInt(l[1]);
            int h = Integer.parseInt(l[2]);
            sb.append("<rect class=\"lane\" x=\"").append(LEFT).append("\" y=\"").append(y).append("\" width=\"")
                    .append(WIDTH - LEFT - RIGHT).append("\" height=\"").append(h).append("\"/>");
            sb.append("<text class=\"lane-label\" x=\"").append(LEFT - 6).append("\" y=\"").append(y + h / 2 + 4)
                    .append("\" text-anchor=\"end\">").append(l[0]).append("</text>");
        }
    }

    private void band(StringBuilder sb, Numbered n) {
        Incident i = n.incident();
        double a = x(i.firstTsNanos());
        double w = Math.max(3, x(i.lastTsNanos()) - a);
        String id = Html.esc(i.incidentId());
        sb.append("<g class=\"band\" data-incident-id=\"").append(id).append("\"><title>#").append(n.number())
                .append(' ').append(Html.esc(i.fault().code())).append(": ").append(Html.n(i.count()))
                .append(" failures</title>");
        sb.append("<rect class=\"band-shade\" x=\"").append(Html.f(a)).append("\" y=\"").append(Y_OK).append("\" width=\"")
                .append(Html.f(w)).append("\" height=\"").append(Y_INC - Y_OK).append("\"/>");
        sb.append("<rect class=\"band-bar\" x=\"").append(Html.f(a)).append("\" y=\"").append(Y_INC + 2)
                .append("\" width=\"").append(Html.f(w)).append("\" height=\"").append(INC_H - 4).append("\"/>");
        sb.append("<text class=\"band-label\" x=\"").append(Html.f(a + 3)).append("\" y=\"").append(Y_INC + INC_H - 6)
                .append("\">#").append(n.number()).append("</text></g>");
    }

    private void completed(StringBuilder sb, Timelines.Series s) {
        int max = 1;
        for (int[] b : s.buckets.values()) {
            max = Math.max(max, Timelines.completedIn(b));
        }
        sb.append("<g class=\"ok-bars\">");
        for (Map.Entry<Long, int[]> e : s.buckets.entrySet()) {
            int c = Timelines.completedIn(e.getValue());
            if (c == 0) {
                continue;
            }
            double a = x(e.getKey() * bucketWidth);
            double w = Math.max(1, x((e.getKey() + 1) * bucketWidth) - a - 0.5);
            double h = Math.max(1.5, (double) c / max * LANE);
            sb.append("<rect x=\"").append(Html.f(a)).append("\" y=\"").append(Html.f(Y_OK + LANE - h))
                    .append("\" width=\"").append(Html.f(w)).append("\" height=\"").append(Html.f(h)).append("\"><title>")
                    .append(c).append(" completed</title></rect>");
        }
        sb.append("</g>");
    }

    private void failures(StringBuilder sb, Timelines.Series s) {
        sb.append("<g class=\"fail-marks\">");
        if (s.ticksDropped == 0) {
            for (int i = 0; i < s.ticks(); i++) {
                double a = x(s.tick(i));
                sb.append("<line x1=\"").append(Html.f(a)).append("\" x2=\"").append(Html.f(a)).append("\" y1=\"")
                        .append(Y_FAIL + 2).append("\" y2=\"").append(Y_FAIL + LANE - 2).append("\" stroke=\"")
                        .append(KindStyle.color(s.tickKind(i))).append("\"/>");
            }
        } else {
            // too many to draw one by one: stacked bars per bucket, by kind
            int max = 1;
            for (int[] b : s.buckets.values()) {
                int f = 0;
                for (FindingKind k : FindingKind.values()) {
                    f += Timelines.failuresIn(b, k);
                }
                max = Math.max(max, f);
            }
            for (Map.Entry<Long, int[]> e : s.buckets.entrySet()) {
                double a = x(e.getKey() * bucketWidth);
                double w = Math.max(1, x((e.getKey() + 1) * bucketWidth) - a - 0.5);
                double y = Y_FAIL + LANE;
                for (FindingKind k : FindingKind.values()) {
                    int c = Timelines.failuresIn(e.getValue(), k);
                    if (c > 0) {
                        double h = Math.max(1, (double) c / max * LANE);
                        y -= h;
                        sb.append("<rect x=\"").append(Html.f(a)).append("\" y=\"").append(Html.f(y)).append("\" width=\"")
                                .append(Html.f(w)).append("\" height=\"").append(Html.f(h)).append("\" fill=\"")
                                .append(KindStyle.color(k)).append("\"/>");
                    }
                }
            }
        }
        sb.append("</g>");
    }

    /**
     * Ticks at the incident's period, over its window, at the phase of its failures: the circular
     * mean of their times modulo the period (failures on the period agree on it; a few off it move
     * it little).
     */
    private void periodTicks(StringBuilder sb, Numbered n, Timelines.Series s) {
        Incident inc = n.incident();
        Recurrence r = inc.recurrence();
        if (r == null || r.periodS() <= 0) {
            return;
        }
        long period = Math.round(r.periodS() * 1e9);
        long from = inc.firstTsNanos();
        long to = inc.lastTsNanos();
        double sin = 0;
        double cos = 0;
        for (int i = 0; i < s.ticks(); i++) {
            long t = s.tick(i);
            if (t >= from && t <= to) {
                double phase = 2 * Math.PI * (double) Math.floorMod(t - from, period) / period;
                sin += Math.sin(phase);
                cos += Math.cos(phase);
            }
        }
        double phase = Math.atan2(sin, cos);
        long anchor = from + Math.round((phase < 0 ? phase + 2 * Math.PI : phase) / (2 * Math.PI) * period);
        long first = anchor - Math.floorDiv(anchor - (from - period / 2), period) * period;
        long count = (to + period / 2 - first) / period + 1;
        String id = Html.esc(inc.incidentId());
        if (count > MAX_PERIOD_TICKS) {
            sb.append("<g class=\"period\" data-incident-id=\"").append(id).append("\" data-period-ticks=\"0\"><title>every ")
                    .append(Html.esc(String.format(java.util.Locale.ROOT, "%.2f s", r.periodS())))
                    .append(": too many periods to draw</title></g>");
            return;
        }
        sb.append("<g class=\"period\" data-incident-id=\"").append(id).append("\" data-period-s=\"")
                .append(String.format(java.util.Locale.ROOT, "%.3f", r.periodS())).append("\" data-period-ticks=\"")
                .append(count).append("\"><title>#").append(n.number()).append(" recurs every ")
                .append(String.format(java.util.Locale.ROOT, "%.2f s (±%.2f s)", r.periodS(), r.jitterS()))
                .append("</title>");
        for (long k = 0; k < count; k++) {
            double a = x(first + k * period);
            sb.append("<line class=\"period-tick\" x1=\"").append(Html.f(a)).append("\" x2=\"").append(Html.f(a))
                    .append("\" y1=\"").append(Y_FAIL - 3).append("\" y2=\"").append(Y_INC + INC_H).append("\"/>");
        }
        sb.append("</g>");
    }

    private void axis(StringBuilder sb) {
        long span = t1 - t0;
        long step = niceStep(span);
        boolean days = Instant.ofEpochSecond(t0 / 1_000_000_000L).atZone(ZoneOffset.UTC).toLocalDate()
                .compareTo(Instant.ofEpochSecond(t1 / 1_000_000_000L).atZone(ZoneOffset.UTC).toLocalDate()) != 0;
        DateTimeFormatter fmt = DateTimeFormatter.ofPattern(days ? "MM-dd HH:mm" : step < 1_000_000_000L
                ? "HH:mm:ss.SSS" : "HH:mm:ss").withZone(ZoneOffset.UTC);
        sb.append("<g class=\"axis\"><line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                .append(Y_AXIS).append("\" y2=\"").append(Y_AXIS).append("\"/>");
        for (long t = Math.floorDiv(t0 + step - 1, step) * step; t <= t1; t += step) {
            double a = x(t);
            sb.append("<line x1=\"").append(Html.f(a)).append("\" x2=\"").append(Html.f(a)).append("\" y1=\"")
                    .append(Y_AXIS).append("\" y2=\"").append(Y_AXIS + 4).append("\"/><text x=\"").append(Html.f(a))
                    .append("\" y=\"").append(Y_AXIS + 15).append("\" text-anchor=\"middle\">")
                    .append(fmt.format(Instant.ofEpochSecond(Math.floorDiv(t, 1_000_000_000L), Math.floorMod(t, 1_000_000_000L))))
                    .append("</text>");
        }
        sb.append("</g>");
    }

    /** A round step (ms, s, min, h, days) that puts 4 to 8 labels on the axis. */
    static long niceStep(long span) {
        long[] steps = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000,
                300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
                86_400_000, 172_800_000, 604_800_000};
        for (long ms : steps) {
            long step = ms * 1_000_000L;
            if (span / step <= 8) {
                return step;
            }
        }
        return Math.max(1, span / 8);
    }
}
