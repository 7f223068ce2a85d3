package dev.nfe.pipeline.output;

/**
 * Lowercase hex strings of protocol numbers, as the contract spells them ("0x0303",
 * "0x010080"). 16-bit values are interned in a table built on first use, so the thousands of
 * cipher suites and versions in a run cost one String each. One per thread.
 */
final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();
    private final String[] u16 = new String[65536];

    String u16(int v) {
        int i = v & 0xffff;
        String s = u16[i];
        if (s == null) {
            s = u16[i] = format(i, 4);
        }
        return s;
    }

    static String u24(int v) {
        return format(v & 0xff_ffff, 6);
    }

    static String format(int v, int digits) {
        char[] c = new char[2 + digits];
        c[0] = '0';
        c[1] = 'x';
        for (int i = digits + 1; i >= 2; i--) {
            c[i] = DIGITS[v & 0xf];
            v >>>= 4;
        }
        return new String(c);
    }
}
