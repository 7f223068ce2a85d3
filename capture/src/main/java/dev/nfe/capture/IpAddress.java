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

    /** Parses dotted-quad IPv4 or any textual IPv6 form (used by tests and configuration). */
    public static IpAddress parse(String text) {
        try {
            byte[] raw = java.net.InetAddress.getByName(literalOnly(text)).getAddress();
            return of(raw, 0, raw.length);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
    }

    private static String literalOnly(String text) {
        // InetAddress.getByName would resolve host names; only accept literals.
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '[' || c == ']';
            if (!ok) {
                throw new IllegalArgumentException("not an IP address literal: " + text);
            }
        }
        return text;
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
