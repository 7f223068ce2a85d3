package dev.nfe.capture;

/**
 * An IPv4 or IPv6 address packed into two longs, so that flow keys hash and compare without
 * touching byte arrays. IPv4 addresses live in the low 32 bits of {@code lo} with {@code hi == 0}.
 *
 * <p>{@link #toString()} gives dotted quads for IPv4 and the RFC 5952 canonical text for IPv6
 * (lowercase, leading zeros dropped, the longest run of two or more zero groups as "::").
 */
public record IpAddress(long hi, long lo, boolean v6) implements Comparable<IpAddress> {

    public static IpAddress v4(int address) {
        return new IpAddress(0L, address & 0xffff_ffffL, false);
    }

    public static IpAddress v6(long hi, long lo) {
        return new IpAddress(hi, lo, true);
    }

    /** Reads 4 or 16 bytes starting at {@code off}. */
    public static IpAddress of(byte[] b, int off, int len) {
        if (len == 4) {
            return v4(getInt(b, off));
        }
        if (len == 16) {
            return v6(getLong(b, off), getLong(b, off + 8));
        }
        throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + len);
    }

    /**
     * Parses an address literal: dotted-quad IPv4 (four decimal parts 0..255, no leading zeros,
     * which some parsers read as octal) or IPv6 in any RFC 4291 section 2.2 text form (one "::",
     * an optional dotted-quad tail, either case). Never resolves a name, never brackets, no zone
     * ids; an IPv4-mapped IPv6 address stays IPv6. Values read from topics and command lines come
     * through here, so it reads exactly the text {@link #toString()} writes and rejects the rest.
     *
     * @throws IllegalArgumentException when {@code text} is not such a literal
     */
    public static IpAddress parse(String text) {
        IpAddress a;
        if (text.indexOf(':') >= 0) {
            a = parseV6(text);
        } else {
            long bits = dottedQuad(text, 0, text.length());
            a = bits < 0 ? null : v4((int) bits);
        }
        if (a == null) {
            throw new IllegalArgumentException("not an IP address literal: " + text);
        }
        return a;
    }

    /** The 32 bits of a dotted quad in {@code s[from, to)}, or -1. */
    private static long dottedQuad(String s, int from, int to) {
        long bits = 0;
        int i = from;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (i >= to || s.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
            int start = i;
            int v = 0;
            while (i < to && i - start < 3 && isDigit(s.charAt(i))) {
                v = v * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start || v > 255 || (i - start > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            bits = (bits << 8) | v;
        }
        return i == to ? bits : -1;
    }

    /** RFC 4291 section 2.2 forms 1 to 3; null when {@code s} is none of them. */
    private static IpAddress parseV6(String s) {
        int[] groups = new int[8];
        int n = 0;
        int gap = -1; // where "::" stands: the number of groups before it
        int i = 0;
        int len = s.length();
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
        }
        while (i < len) {
            if (n == 8) {
                return null;
            }
            int start = i;
            int v = 0;
            while (i < len && i - start < 4 && hexValue(s.charAt(i)) >= 0) {
                v = (v << 4) | hexValue(s.charAt(i));
                i++;
            }
            if (i < len && s.charAt(i) == '.') {
                // the dotted-quad tail (form 3) fills the last two groups
                long bits = dottedQuad(s, start, len);
                if (bits < 0 || n > 6) {
                    return null;
                }
                groups[n++] = (int) (bits >>> 16);
                groups[n++] = (int) (bits & 0xffff);
                break;
            }
            if (i == start) {
                return null;
            }
            groups[n++] = v;
            if (i == len) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null; // a fifth hex digit or a stray character
            }
            i++;
            if (i < len && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = n;
                i++;
            } else if (i == len) {
                return null; // a single trailing colon
            }
        }
        if (gap < 0 ? n != 8 : n > 7) {
            return null;
        }
        int[] full = new int[8];
        int tail = gap < 0 ? 0 : n - gap;
        System.arraycopy(groups, 0, full, 0, n - tail);
        System.arraycopy(groups, n - tail, full, 8 - tail, tail);
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | full[g];
            lo = (lo << 16) | full[g + 4];
        }
        return v6(hi, lo);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** ASCII hex only: Character.digit would also take other scripts' digits. */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    public int byteLength() {
        return v6 ? 16 : 4;
    }

    public byte[] toBytes() {
        byte[] out = new byte[byteLength()];
        writeTo(out, 0);
        return out;
    }

    /** Writes the 4 or 16 address bytes at {@code off}; returns the number written. */
    public int writeTo(byte[] out, int off) {
        if (!v6) {
            putInt(out, off, (int) lo);
            return 4;
        }
        putLong(out, off, hi);
        putLong(out, off + 8, lo);
        return 16;
    }

    @Override
    public int compareTo(IpAddress o) {
        if (v6 != o.v6) {
            return v6 ? 1 : -1;
        }
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    // equals/hashCode written out: the record default goes through an invokedynamic bootstrap
    // that costs several times more before the JIT has warmed up, and flow lookups call it per packet
    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress a && a.lo == lo && a.hi == hi && a.v6 == v6;
    }

    @Override
    public int hashCode() {
        long h = hi * 0x9E3779B97F4A7C15L + lo;
        return (int) (h ^ (h >>> 32)) + (v6 ? 1 : 0);
    }

    @Override
    public String toString() {
        if (!v6) {
            return ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        // RFC 5952 section 4.2: compress the longest run of >= 2 zero groups (the first one on ties)
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static long getLong(byte[] b, int off) {
        return ((long) getInt(b, off) << 32) | (getInt(b, off + 4) & 0xffff_ffffL);
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }
}
