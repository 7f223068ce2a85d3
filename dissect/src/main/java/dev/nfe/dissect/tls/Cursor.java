package dev.nfe.dissect.tls;

/**
 * A bounded reader over {@code b[pos, end)}. Callers check {@link #has} before every read (Netty's
 * "check every length against what remains"); reads past the end are a programming error and throw.
 */
final class Cursor {
    final byte[] b;
    int pos;
    final int end;

    Cursor(byte[] b, int off, int len) {
        this.b = b;
        this.pos = off;
        this.end = off + len;
    }

    int remaining() {
        return end - pos;
    }

    boolean has(int n) {
        return n >= 0 && end - pos >= n;
    }

    int u8() {
        check(1);
        return b[pos++] & 0xff;
    }

    int u16() {
        check(2);
        int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    int u24() {
        check(3);
        int v = ((b[pos] & 0xff) << 16) | ((b[pos + 1] & 0xff) << 8) | (b[pos + 2] & 0xff);
        pos += 3;
        return v;
    }

    void skip(int n) {
        check(n);
        pos += n;
    }

    /** A cursor over the next {@code n} bytes; this cursor moves past them. */
    Cursor sub(int n) {
        check(n);
        Cursor c = new Cursor(b, pos, n);
        pos += n;
        return c;
    }

    /** True when the next {@code n} bytes equal {@code expected}. */
    boolean startsWith(byte[] expected) {
        if (!has(expected.length)) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (b[pos + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private void check(int n) {
        if (n < 0 || end - pos < n) {
            throw new IllegalStateException("read past a checked bound");
        }
    }
}
