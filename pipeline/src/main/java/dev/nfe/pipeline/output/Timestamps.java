package dev.nfe.pipeline.output;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** ISO-8601 UTC timestamps with microseconds, as the output contract spells them. */
public final class Timestamps {
    private static final DateTimeFormatter ISO_MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HUMAN =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    public static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }

    /** "2026-11-21T14:43:02.383298Z" */
    public static String iso(long epochNanos) {
        return ISO_MICROS.format(instant(epochNanos));
    }

    /** "2026-11-21 14:43:02.383" (UTC), for people. */
    public static String human(long epochNanos) {
        return HUMAN.format(instant(epochNanos));
    }
}
