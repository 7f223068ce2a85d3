package dev.nfe.dissect.report;

import java.util.List;

/** GREASE values (RFC 8701 section 2): 0x0a0a, 0x1a1a, ..., 0xfafa. */
public final class Grease {
    private Grease() {
    }

    public static boolean is(int v) {
        return (v & 0x0f0f) == 0x0a0a && (v >>> 8) == (v & 0xff);
    }

    public static boolean any(List<Integer> values) {
        for (int v : values) {
            if (is(v)) {
                return true;
            }
        }
        return false;
    }
}
