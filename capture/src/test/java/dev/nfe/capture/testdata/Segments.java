package dev.nfe.capture.testdata;

import dev.nfe.capture.TcpSegment;

import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/** Segment list comparison that names the first difference instead of printing both lists. */
public final class Segments {
    private Segments() {
    }

    public static void assertSame(List<TcpSegment> expected, List<TcpSegment> actual, String what) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                fail(what + ": segment " + i + " differs:\n  expected " + detail(expected.get(i)) + "\n  actual   "
                        + detail(actual.get(i)));
            }
        }
        if (expected.size() != actual.size()) {
            fail(what + ": expected " + expected.size() + " segments, got " + actual.size()
                    + (actual.size() > n ? "; first extra " + actual.get(n) : "; first missing " + expected.get(n)));
        }
    }

    public static String detail(TcpSegment s) {
        return s + " ts=" + s.timestampNanos() + " win=" + s.window() + " ttl=" + s.ttl() + " id=" + s.ipId()
                + " captured=" + s.payload().length() + " payload=" + s.payload();
    }
}
