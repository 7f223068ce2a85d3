package dev.nfe.pipeline.output;

/** Lowercase hex strings of protocol numbers, as the contract spells them ("0x0303", "0x010080"). */
final class Hex {
    private Hex() {
    }

    static String u16(int v) {
        return "0x" + pad(Integer.toHexString(v), 4);
    }

    static String u24(int v) {
        return "0x" + pad(Integer.toHexString(v), 6);
    }

    private static String pad(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        return "0".repeat(width - s.length()) + s;
    }
}
