package dev.nfe.pipeline.report;

import java.util.Locale;

/** Escaping and number formats for the report: every text that comes from the data goes through {@link #esc}. */
final class Html {
    private Html() {
    }

    /** Text and attribute values: &amp; &lt; &gt; &quot; &#39; escaped, and control characters dropped. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** "1,234". */
    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** "12%" (or "0.4%" below one). */
    static String pct(long part, long whole) {
        if (whole == 0) {
            return "–";
        }
        double p = 100.0 * part / whole;
        return p > 0 && p < 1 ? String.format(Locale.ROOT, "%.1f%%", p) : String.format(Locale.ROOT, "%.0f%%", p);
    }

    /** A coordinate with one decimal (SVG). */
    static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** "3.2 s", "450 ms", "210 µs", "2 h 5 min". */
    static String duration(long nanos) {
        double s = nanos / 1e9;
        if (s < 0.001) {
            return String.format(Locale.ROOT, "%.0f µs", s * 1e6);
        }
        if (s < 1) {
            return String.format(Locale.ROOT, "%.0f ms", s * 1000);
        }
        if (s < 120) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        long m = Math.round(s / 60);
        return m < 120 ? m + " min" : (m / 60) + " h " + (m % 60) + " min";
    }
}
