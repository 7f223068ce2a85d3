package dev.nfe.pipeline.output;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.Role;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The contract's value formats (DESIGN.md, "Output contract"), written here without the
 * production formatters (Hex, IsoTimes, Endpoint.toString, IpAddress.toString), so that a test
 * comparing the two catches a formatter that drifts from the contract.
 */
final class Wire {
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Wire() {
    }

    /** A 16-bit version, suite or group: lowercase hex, four digits, "0x0303". */
    static String hex4(int v) {
        return String.format("0x%04x", v);
    }

    /** A 3-byte SSLv2 cipher spec: "0x010080". */
    static String hex6(int v) {
        return String.format("0x%06x", v);
    }

    /** ISO-8601 UTC with exactly six fraction digits (microseconds, truncated from nanoseconds). */
    static String iso(long epochNanos) {
        Instant t = Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L)).truncatedTo(ChronoUnit.MICROS);
        return MICROS.format(t);
    }

    static String role(Role r) {
        return switch (r) {
            case CLIENT -> "client";
            case SERVER -> "server";
        };
    }

    /** "10.0.0.7:51234", or "[2001:db8::1]:443" with the address in RFC 5952 form. */
    static String endpoint(Endpoint e) {
        byte[] b = e.ip().toBytes();
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff) + ":" + e.port();
        }
        return "[" + rfc5952(b) + "]:" + e.port();
    }

    /**
     * RFC 5952 section 4: groups in lowercase hex without leading zeros (4.1, 4.3); "::" replaces
     * the longest run of two or more zero groups, the first of equally long runs (4.2). Done here
     * by trying "::" at every possible run and keeping the shortest text (the first on ties), which
     * is the same rule reached another way.
     */
    static String rfc5952(byte[] sixteen) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((sixteen[2 * i] & 0xff) << 8) | (sixteen[2 * i + 1] & 0xff);
        }
        String best = join(g, 0, 8);
        for (int from = 0; from < 8; from++) {
            for (int to = from + 2; to <= 8; to++) {
                boolean zeros = true;
                for (int i = from; i < to; i++) {
                    zeros &= g[i] == 0;
                }
                if (!zeros) {
                    break;
                }
                String s = join(g, 0, from) + "::" + join(g, to, 8);
                if (s.length() < best.length()) {
                    best = s;
                }
            }
        }
        return best;
    }

    private static String join(int[] g, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(i == from ? "" : ":").append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa. */
    static boolean grease(int v) {
        return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
    }
}
