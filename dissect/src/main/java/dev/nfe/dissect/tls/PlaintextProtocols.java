package dev.nfe.dissect.tls;

/**
 * Recognises the plaintext protocol in front of a STARTTLS upgrade from its bytes (never from
 * the port): one text line at a time, or the first bytes of a binary protocol. Each direction
 * recognises what it sends, e.g. the client side of SMTP sees "EHLO" and "STARTTLS", the server
 * side the "220" banner and "250-STARTTLS".
 */
final class PlaintextProtocols {

    /** How messages of a binary protocol are delimited, so a TLS start right after one is found. */
    enum Framing {
        NONE,
        /** 3-byte little-endian payload length + 1-byte sequence id (MySQL client/server protocol) */
        MYSQL,
        /** one BER SEQUENCE (tag 0x30, definite length) per LDAPMessage (RFC 4511 section 4.1.1) */
        LDAP,
        /** one 8-byte message (PostgreSQL SSLRequest / GSSENCRequest, SOCKS4 reply), then TLS */
        FIXED8,
        /** one SOCKS4 request: 8 bytes, then USERID and (SOCKS4a) the domain name, each NUL-terminated */
        SOCKS4,
        /** one direction of a SOCKS5 handshake ({@link Socks5Framing}) */
        SOCKS5
    }

    /** A recognised protocol with how sure we are (a strong hint wins over a weak one). */
    record Hint(String protocol, boolean strong, Framing framing) {
    }

    static final Hint SMTP = new Hint("smtp", true, Framing.NONE);
    static final Hint SMTP_WEAK = new Hint("smtp", false, Framing.NONE);
    static final Hint FTP = new Hint("ftp", true, Framing.NONE);
    static final Hint FTP_WEAK = new Hint("ftp", false, Framing.NONE);
    static final Hint IMAP = new Hint("imap", true, Framing.NONE);
    static final Hint POP3 = new Hint("pop3", true, Framing.NONE);
    static final Hint XMPP = new Hint("xmpp", true, Framing.NONE);
    static final Hint HTTP = new Hint("http", true, Framing.NONE);
    static final Hint HTTP_WEAK = new Hint("http", false, Framing.NONE);
    static final Hint POSTGRESQL = new Hint("postgresql", true, Framing.FIXED8);
    static final Hint MYSQL = new Hint("mysql", true, Framing.MYSQL);
    static final Hint LDAP = new Hint("ldap", true, Framing.LDAP);
    static final Hint SOCKS_REQUEST = new Hint("socks", true, Framing.SOCKS4);
    static final Hint SOCKS_REPLY = new Hint("socks", true, Framing.FIXED8);
    static final Hint SOCKS5 = new Hint("socks", true, Framing.SOCKS5);

    static final String UNKNOWN = "unknown";

    /** Bytes of a line's head that {@link #line} looks at. */
    static final int LINE_HEAD = 80;

    private PlaintextProtocols() {
    }

    /**
     * Classifies one text line by its first bytes (at most {@link #LINE_HEAD}):
     * SMTP (RFC 5321 / RFC 3207): "220 " banner, EHLO/HELO, STARTTLS, "250" replies;
     * FTP (RFC 959 / RFC 4217): "220 " banner naming FTP, AUTH TLS|SSL, "234", FEAT/"211";
     * IMAP (RFC 9051): "* OK", "&lt;tag&gt; STARTTLS|CAPABILITY|LOGIN|OK";
     * POP3 (RFC 1939 / RFC 2595): "+OK", "-ERR", STLS, CAPA;
     * XMPP (RFC 6120): "&lt;?xml", "&lt;stream:stream", "&lt;starttls", "&lt;proceed";
     * HTTP (RFC 9110 section 9.3.6): CONNECT, "HTTP/1.".
     *
     * @return the hint, or null when the line says nothing
     */
    static Hint line(byte[] b, int off, int len) {
        if (starts(b, off, len, "220 ") || starts(b, off, len, "220-")) {
            if (contains(b, off, len, "FTP")) {
                return FTP;
            }
            return contains(b, off, len, "SMTP") ? SMTP : SMTP_WEAK;
        }
        if (starts(b, off, len, "250-") || starts(b, off, len, "250 ")) {
            return SMTP_WEAK;
        }
        if (starts(b, off, len, "234 ") || starts(b, off, len, "AUTH TLS") || starts(b, off, len, "AUTH SSL")) {
            return FTP;
        }
        if (starts(b, off, len, "211-") || starts(b, off, len, "211 ") || word(b, off, len, "FEAT")) {
            return FTP_WEAK;
        }
        if (starts(b, off, len, "EHLO ") || starts(b, off, len, "HELO ") || word(b, off, len, "STARTTLS")
                || starts(b, off, len, "MAIL FROM:")) {
            return SMTP;
        }
        if (starts(b, off, len, "* OK") || starts(b, off, len, "* PREAUTH") || starts(b, off, len, "* BYE")
                || starts(b, off, len, "* CAPABILITY")) {
            return IMAP;
        }
        if (starts(b, off, len, "+OK") || starts(b, off, len, "-ERR") || word(b, off, len, "STLS")
                || word(b, off, len, "CAPA")) {
            return POP3;
        }
        if (starts(b, off, len, "<?xml") || starts(b, off, len, "<stream:stream") || starts(b, off, len, "<starttls")
                || starts(b, off, len, "<proceed")) {
            return XMPP;
        }
        if (starts(b, off, len, "CONNECT ")) {
            return HTTP;
        }
        if (starts(b, off, len, "HTTP/1.")) {
            return HTTP_WEAK;
        }
        return imapTagged(b, off, len) ? IMAP : null;
    }

    /** "&lt;tag&gt; STARTTLS|CAPABILITY|LOGIN|AUTHENTICATE|OK " with a tag that is not a 3-digit reply code. */
    private static boolean imapTagged(byte[] b, int off, int len) {
        int i = 0;
        boolean digitsOnly = true;
        while (i < len && i < 16 && b[off + i] != ' ') {
            int c = b[off + i] & 0xff;
            boolean ok = Character.isLetterOrDigit(c) || c == '.';
            if (!ok) {
                return false;
            }
            digitsOnly &= c >= '0' && c <= '9';
            i++;
        }
        if (i == 0 || i >= len || b[off + i] != ' ' || (digitsOnly && i == 3)) {
            return false;
        }
        int p = off + i + 1;
        int n = len - i - 1;
        return word(b, p, n, "STARTTLS") || word(b, p, n, "CAPABILITY") || starts(b, p, n, "LOGIN ")
                || starts(b, p, n, "AUTHENTICATE ") || starts(b, p, n, "OK ");
    }

    /**
     * Recognises a binary protocol from the first {@code len} (8 or 12) bytes of a direction:
     * <pre>
     * PostgreSQL SSLRequest (protocol section 55.2.10): Int32(8) Int32(80877103) = 00 00 00 08 04 d2 16 2f
     *   (GSSENCRequest: 04 d2 16 30)
     * MySQL packet: int&lt;3&gt; payload_length, int&lt;1&gt; sequence_id, then
     *   server greeting Protocol::HandshakeV10: int&lt;1&gt; protocol_version = 10, string&lt;NUL&gt; server_version
     *   client Protocol::SSLRequest: 32-byte payload, int&lt;4&gt; capability_flags with CLIENT_SSL (0x0800)
     * LDAP (RFC 4511 section 4.1.1, 4.12): LDAPMessage ::= SEQUENCE { messageID INTEGER, protocolOp ... }
     *   with protocolOp extendedReq [APPLICATION 23] (0x77) or extendedResp [APPLICATION 24] (0x78);
     *   StartTLS is the extendedReq with requestName 1.3.6.1.4.1.1466.20037 (RFC 4511 section 4.14.1)
     * SOCKS4 ("SOCKS: A protocol for TCP proxies across firewalls"; "SOCKS 4A: A Simple Extension"):
     *   request: VN = 4, CD = 1 CONNECT | 2 BIND, DSTPORT (2), DSTIP (4), USERID, NUL
     *            [SOCKS4a, DSTIP = 0.0.0.x with x != 0: the domain name, NUL]
     *   reply:   VN = 0, CD = 90 granted | 91 | 92 | 93 rejected, DSTPORT (2), DSTIP (4)
     *   TLS through the proxy starts right after the request, and right after the reply.
     * SOCKS5: see {@link Socks5Framing}.
     * </pre>
     */
    static Hint binaryStart(byte[] b, int len) {
        if (len >= 8 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 8 && b[4] == 0x04 && (b[5] & 0xff) == 0xd2
                && b[6] == 0x16 && (b[7] == 0x2f || b[7] == 0x30)) {
            return POSTGRESQL;
        }
        // SOCKS is decided at 8 bytes: a SOCKS4 request may be 9 bytes long, with TLS right after it
        if (len >= 8 && b[0] == 0 && (b[1] & 0xff) >= 90 && (b[1] & 0xff) <= 93) {
            return SOCKS_REPLY;
        }
        if (len >= 8 && b[0] == 4 && (b[1] == 1 || b[1] == 2) && (b[2] != 0 || b[3] != 0)) {
            return SOCKS_REQUEST;
        }
        if (Socks5Framing.recognise(b, len) != null) {
            return SOCKS5;
        }
        if (len < 12) {
            return null;
        }
        int mysqlLength = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16;
        if (b[3] == 0 && b[4] == 0x0a && mysqlLength >= 20 && mysqlLength < 1024 && printable(b, 5, 12)) {
            return MYSQL;
        }
        if (b[3] == 1 && mysqlLength == 32 && (b[5] & 0x08) != 0 && (b[5] & 0x02) != 0) {
            return MYSQL;
        }
        if (b[0] == 0x30) {
            int lengthOctets = (b[1] & 0x80) == 0 ? 0 : b[1] & 0x7f;
            int i = 2 + lengthOctets;
            if (lengthOctets <= 4 && i + 2 < len && b[i] == 0x02 && b[i + 1] >= 1 && b[i + 1] <= 4) {
                int op = i + 2 + b[i + 1];
                if (op < len && (b[op] == 0x77 || b[op] == 0x78)) {
                    return LDAP;
                }
            }
        }
        return null;
    }

    private static boolean printable(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c == 0) {
                return i > from;
            }
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** Case-insensitive prefix test. */
    static boolean starts(byte[] b, int off, int len, String prefix) {
        int n = prefix.length();
        if (len < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (upper(b[off + i]) != upper((byte) prefix.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The line is exactly {@code w} (case-insensitive), or {@code w} followed by a space or line end. */
    private static boolean word(byte[] b, int off, int len, String w) {
        if (!starts(b, off, len, w)) {
            return false;
        }
        if (len == w.length()) {
            return true;
        }
        byte next = b[off + w.length()];
        return next == ' ' || next == '\r' || next == '\n';
    }

    private static boolean contains(byte[] b, int off, int len, String w) {
        for (int i = 0; i + w.length() <= len; i++) {
            if (starts(b, off + i, len - i, w)) {
                return true;
            }
        }
        return false;
    }

    private static int upper(byte c) {
        return c >= 'a' && c <= 'z' ? c - 32 : c;
    }
}
