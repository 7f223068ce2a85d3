package dev.nfe.dissect.finding;

import dev.nfe.dissect.classify.VersionNames;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ClientHelloInfo;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Wording shared by finding and incident sentences: durations, clock times and spans, the short
 * description of a ClientHello. No String.format on these paths: a replay may write tens of
 * thousands of findings, and formatting would cost more than the finding.
 */
public final class Phrases {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private Phrases() {
    }

    /** "0.31 ms", "12.5 ms", "2.00 s". */
    public static String duration(long nanos) {
        if (nanos < 0) {
            nanos = 0;
        }
        if (nanos < 10_000_000L) {
            return fixed(nanos / 10_000L, 2) + " ms";
        }
        if (nanos < 1_000_000_000L) {
            return fixed(nanos / 100_000L, 1) + " ms";
        }
        return fixed(nanos / 10_000_000L, 2) + " s";
    }

    /** {@code scaled} with {@code decimals} implied decimal places: fixed(31, 2) = "0.31". */
    private static String fixed(long scaled, int decimals) {
        long div = decimals == 1 ? 10 : 100;
        String frac = Long.toString(scaled % div);
        while (frac.length() < decimals) {
            frac = "0" + frac;
        }
        return (scaled / div) + "." + frac;
    }

    /** "2026-11-21 15:49:00" (UTC, whole seconds). */
    public static String clock(long nanos) {
        return CLOCK.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L)));
    }

    /** "between 2026-11-21 15:49:00 and 15:52:10 UTC", "at 2026-11-21 15:49:00 UTC". */
    public static String span(long fromNanos, long toNanos) {
        String a = clock(fromNanos);
        String b = clock(toNanos);
        if (a.equals(b)) {
            return "at " + a + " UTC";
        }
        return "between " + a + " and " + (a.regionMatches(0, b, 0, 11) ? b.substring(11) : b) + " UTC";
    }

    /** "(TLS 1.3 hello, 31 ciphers, SNI example.test, JA4 t13d...)", or "" without a hello. */
    public static String hello(ClientHelloInfo info) {
        if (info == null) {
            return "";
        }
        ClientHello h = info.hello();
        StringBuilder sb = new StringBuilder("(");
        if (h.sslv2Format()) {
            sb.append("SSLv2-format hello offering ").append(VersionNames.display(h.handshakeVersion()));
        } else {
            sb.append(VersionNames.display(h.highestOfferedVersion())).append(" hello");
        }
        sb.append(", ").append(h.cipherSuites().size()).append(" ciphers");
        sb.append(h.sni() != null ? ", SNI " + h.sni() : ", no SNI");
        if (info.ja4() != null) {
            sb.append(", JA4 ").append(info.ja4());
        }
        return sb.append(')').toString();
    }

    /** "SSLv2-format TLS 1.0", "TLS 1.3", "TLS 1.2", or "no hello": how incidents count hellos. */
    public static String helloFormat(ClientHelloInfo info) {
        if (info == null) {
            return "no hello";
        }
        ClientHello h = info.hello();
        if (h.sslv2Format()) {
            return h.handshakeVersion() == 0x0301 ? "SSLv2-format TLS 1.0"
                    : "SSLv2-format " + VersionNames.display(h.handshakeVersion());
        }
        return VersionNames.display(h.highestOfferedVersion());
    }
}
