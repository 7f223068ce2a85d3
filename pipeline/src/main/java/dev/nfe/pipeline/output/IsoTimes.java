package dev.nfe.pipeline.output;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Formats epoch nanoseconds as "2026-11-21T14:43:02.383298Z" without java.time on the hot path:
 * the date-and-seconds prefix is cached, since consecutive records share it. One per thread.
 */
final class IsoTimes {
    private long cachedSecond = Long.MIN_VALUE;
    private final char[] buf = "0000-00-00T00:00:00.000000Z".toCharArray();

    /** Writes the 27 characters at {@code at} in {@code out}; returns the position after them. */
    int write(long epochNanos, byte[] out, int at) {
        String fallback = prepare(epochNanos);
        if (fallback != null) {
            for (int i = 0; i < fallback.length(); i++) {
                out[at++] = (byte) fallback.charAt(i);
            }
            return at;
        }
        for (char c : buf) {
            out[at++] = (byte) c;
        }
        return at;
    }

    String format(long epochNanos) {
        String fallback = prepare(epochNanos);
        return fallback != null ? fallback : new String(buf);
    }

    /** Fills {@code buf}; returns a java.time rendering instead for years outside 0..9999. */
    private String prepare(long epochNanos) {
        long second = Math.floorDiv(epochNanos, 1_000_000_000L);
        int micros = (int) (Math.floorMod(epochNanos, 1_000_000_000L) / 1000);
        if (second != cachedSecond) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            int year = t.getYear();
            if (year < 0 || year > 9999) {
                return Timestamps.iso(epochNanos);
            }
            digits(0, year, 4);
            digits(5, t.getMonthValue(), 2);
            digits(8, t.getDayOfMonth(), 2);
            digits(11, t.getHour(), 2);
            digits(14, t.getMinute(), 2);
            digits(17, t.getSecond(), 2);
            cachedSecond = second;
        }
        digits(20, micros, 6);
        return null;
    }

    private void digits(int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            buf[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
