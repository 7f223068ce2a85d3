package dev.nfe.dissect.tls;

/**
 * Follows one direction of a SOCKS5 handshake to its end, where TLS through the proxy starts: the
 * message ends are where {@link PlaintextScanner} lets TLS be looked for.
 *
 * <pre>
 * RFC 1928 (SOCKS Protocol Version 5), RFC 1929 (Username/Password Authentication for SOCKS V5):
 *   client: greeting      VER=5 NMETHODS(1..255) METHODS[NMETHODS]
 *           [auth]        VER=1 ULEN UNAME[ULEN] PLEN PASSWD[PLEN]
 *           request       VER=5 CMD RSV=0 ATYP DST.ADDR DST.PORT(2)
 *   server: selection     VER=5 METHOD
 *           [auth status] VER=1 STATUS
 *           reply         VER=5 REP RSV=0 ATYP BND.ADDR BND.PORT(2)
 *   ATYP 1: 4-byte IPv4 address, 3: 1-byte length + domain name, 4: 16-byte IPv6 address
 * </pre>
 * After the request (or reply) the handshake is over; bytes that fit none of these end the framing.
 */
final class Socks5Framing {

    /** Longest head needed to know a message's length: an auth request up to PLEN. */
    private static final int MAX_HEAD = 3 + 255;

    private final boolean client;
    private final byte[] head = new byte[MAX_HEAD];
    private int headLength;
    /** bytes of the current message still to come once its length is known; -1 while unknown */
    private long remaining = -1;
    private int messages;
    private boolean over;

    private Socks5Framing(boolean client) {
        this.client = client;
    }

    /**
     * The framing for a direction whose first 8 bytes are a SOCKS5 client's greeting and request
     * (or the start of an auth request), or a server's selection and reply (or auth status), or
     * null. A greeting lists at least one method; a request's CMD is 1-3; a reply's REP at most 8;
     * the RSV bytes are 0 and the address types known.
     */
    static Socks5Framing recognise(byte[] b, int len) {
        if (len < 8 || b[0] != 5) {
            return null;
        }
        int n = b[1] & 0xff;
        if (n >= 1 && fits(b, len, 2 + n, true)) {
            return new Socks5Framing(true);
        }
        return fits(b, len, 2, false) ? new Socks5Framing(false) : null;
    }

    /** Whether the message at {@code p} (after the first) can follow, as far as {@code len} bytes show. */
    private static boolean fits(byte[] b, int len, int p, boolean client) {
        if (p >= len) {
            return true;
        }
        if (b[p] == 1) {
            // auth request (client) or auth status (server, then the reply)
            return client || p + 2 >= len || b[p + 2] == 5 && fits(b, len, p + 2, false);
        }
        if (b[p] != 5) {
            return false;
        }
        return (p + 1 >= len || (client ? b[p + 1] >= 1 && b[p + 1] <= 3 : (b[p + 1] & 0xff) <= 8))
                && (p + 2 >= len || b[p + 2] == 0)
                && (p + 3 >= len || b[p + 3] == 1 || b[p + 3] == 3 || b[p + 3] == 4);
    }

    /** Follows one byte; true when a message ends with it. */
    boolean next(byte x) {
        if (over) {
            return false;
        }
        if (remaining < 0) {
            head[headLength++] = x;
            long length = length();
            if (length == -2) {
                over = true;
                return false;
            }
            if (length < 0) {
                return false;
            }
            remaining = length - headLength;
        } else {
            remaining--;
        }
        if (remaining > 0) {
            return false;
        }
        boolean last = messages > 0 && head[0] == 5;
        messages++;
        headLength = 0;
        remaining = -1;
        over = last;
        return true;
    }

    /** True once the handshake is over or the bytes fit no message: nothing more to follow. */
    boolean over() {
        return over;
    }

    /** Total length of the current message from its head; -1 = need more, -2 = no SOCKS5 message. */
    private long length() {
        int v = head[0];
        if (messages == 0) {
            if (v != 5) {
                return -2;
            }
            if (!client) {
                return headLength < 2 ? -1 : 2;
            }
            return headLength < 2 ? -1 : (head[1] & 0xff) == 0 ? -2 : 2 + (head[1] & 0xff);
        }
        if (v == 1 && messages == 1) {
            if (!client) {
                return headLength < 2 ? -1 : 2;
            }
            if (headLength < 2) {
                return -1;
            }
            int ulen = head[1] & 0xff;
            return headLength < 3 + ulen ? -1 : 3L + ulen + (head[2 + ulen] & 0xff);
        }
        if (v != 5 || headLength < 4) {
            return v != 5 ? -2 : -1;
        }
        return switch (head[3]) {
            case 1 -> 4 + 4 + 2;
            case 4 -> 4 + 16 + 2;
            case 3 -> headLength < 5 ? -1 : 4 + 1 + (head[4] & 0xff) + 2;
            default -> -2;
        };
    }
}
