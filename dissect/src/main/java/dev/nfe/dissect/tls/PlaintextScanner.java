package dev.nfe.dissect.tls;

/**
 * Walks the plaintext prefix of a direction (STARTTLS): recognises the protocol with
 * {@link PlaintextProtocols} and stops right after every message end (a line end, a framed
 * binary message, a SOCKS request or reply, an XMPP tag), which is where TLS may start. Every decision depends on the bytes
 * and their order only, never on how they were cut into calls. Looks at {@code maxScan} bytes at
 * most, then reports itself exhausted.
 */
final class PlaintextScanner {
    private static final int START = 12;

    private final long maxScan;
    private long scanned;
    private boolean exhausted;
    /** the last byte scanned ended a message */
    private boolean messageEnd;

    private final byte[] start = new byte[START];
    private int startLength;

    private final byte[] line = new byte[PlaintextProtocols.LINE_HEAD];
    private int lineLength;
    private boolean lineClassified;

    private PlaintextProtocols.Hint hint;

    private PlaintextProtocols.Framing framing = PlaintextProtocols.Framing.NONE;
    private final byte[] frameHead = new byte[8];
    private int frameHeadLength;
    private long frameStart;
    private long frameEnd = -1;
    /** SOCKS4 request: NUL-terminated strings still to come */
    private int nulsLeft;
    private Socks5Framing socks5;

    PlaintextScanner(long maxScan) {
        this.maxScan = maxScan;
    }

    /**
     * Scans {@code b[pos, end)}; returns the index just after the first message end found (a
     * place where TLS may start), or {@code end}.
     */
    int scan(byte[] b, int pos, int end) {
        int p = pos;
        messageEnd = false;
        while (p < end) {
            byte x = b[p++];
            long at = scanned++;
            boolean boundary = false;
            if (startLength < START) {
                start[startLength++] = x;
                if (framing != PlaintextProtocols.Framing.NONE) {
                    boundary = frameByte(x, at);
                } else if (startLength == 8 || startLength == START) {
                    boundary = recogniseStart();
                }
            } else if (framing != PlaintextProtocols.Framing.NONE) {
                boundary = frameByte(x, at);
            }
            if (lineLength < line.length) {
                line[lineLength++] = x;
                if (lineLength == line.length) {
                    classifyLine();
                }
            }
            if (at == 0 && x == 'S') {
                // PostgreSQL's one-byte answer to SSLRequest ends a message: TLS may follow at once
                boundary = true;
            }
            if (x == '\n') {
                classifyLine();
                lineLength = 0;
                lineClassified = false;
                boundary = true;
            } else if (x == '>' && hint == PlaintextProtocols.XMPP) {
                boundary = true;
            }
            if (scanned > maxScan) {
                exhausted = true;
                return p;
            }
            if (boundary) {
                messageEnd = true;
                return p;
            }
        }
        return end;
    }

    /** Whether the last byte {@link #scan} looked at ended a message (also when it was the last byte given). */
    boolean atMessageEnd() {
        return messageEnd;
    }

    /** Bytes of the stream that were lost: lines and framing are unknown from here. */
    void gap(long bytes) {
        scanned += bytes;
        messageEnd = false;
        startLength = START;
        lineLength = 0;
        lineClassified = true;
        framing = PlaintextProtocols.Framing.NONE;
        if (scanned > maxScan) {
            exhausted = true;
        }
    }

    boolean exhausted() {
        return exhausted;
    }

    /** The protocol recognised so far: smtp, imap, pop3, ftp, ldap, xmpp, postgresql, mysql, http or "unknown". */
    String protocol() {
        if (hint != null) {
            return hint.protocol();
        }
        if (scanned == 1 && start[0] == 'S') {
            // PostgreSQL's answer to SSLRequest (protocol section 55.2.10) is the single byte 'S'
            return "postgresql";
        }
        return PlaintextProtocols.UNKNOWN;
    }

    private void offer(PlaintextProtocols.Hint h) {
        if (h != null && (hint == null || (h.strong() && !hint.strong()))) {
            hint = h;
        }
    }

    private void classifyLine() {
        if (!lineClassified) {
            lineClassified = true;
            offer(PlaintextProtocols.line(line, 0, lineLength));
        }
    }

    /** At 8 and 12 bytes: a binary protocol? If it is framed, replays the bytes seen into the framing. */
    private boolean recogniseStart() {
        if (hint != null && hint.strong()) {
            return false;
        }
        PlaintextProtocols.Hint h = PlaintextProtocols.binaryStart(start, startLength);
        if (h == null) {
            return false;
        }
        offer(h);
        framing = h.framing();
        socks5 = framing == PlaintextProtocols.Framing.SOCKS5 ? Socks5Framing.recognise(start, startLength) : null;
        frameStart = 0;
        frameEnd = -1;
        frameHeadLength = 0;
        boolean boundary = false;
        for (int i = 0; i < startLength && framing != PlaintextProtocols.Framing.NONE; i++) {
            boundary = frameByte(start[i], i);
        }
        return boundary;
    }

    /** Follows the framing over the byte at stream offset {@code at}; true when a message ends after it. */
    private boolean frameByte(byte x, long at) {
        if (framing == PlaintextProtocols.Framing.SOCKS4) {
            return socks4Byte(x, at);
        }
        if (framing == PlaintextProtocols.Framing.SOCKS5) {
            boolean end = socks5.next(x);
            if (socks5.over()) {
                framing = PlaintextProtocols.Framing.NONE;
            }
            return end;
        }
        if (frameEnd < 0) {
            frameHead[frameHeadLength++] = x;
            long length = frameLength();
            if (length == -2) {
                framing = PlaintextProtocols.Framing.NONE;
                return false;
            }
            if (length >= 0) {
                frameEnd = frameStart + length;
            }
        }
        if (frameEnd >= 0 && at + 1 == frameEnd) {
            frameStart = frameEnd;
            frameEnd = -1;
            frameHeadLength = 0;
            if (framing == PlaintextProtocols.Framing.FIXED8) {
                framing = PlaintextProtocols.Framing.NONE;
            }
            return true;
        }
        return false;
    }

    /** A SOCKS4 request (the first message of the stream): true after the NUL that ends it. */
    private boolean socks4Byte(byte x, long at) {
        if (at < 8) {
            frameHead[(int) at] = x;
            if (at == 7) {
                // SOCKS4a: DSTIP 0.0.0.x (x != 0) says a domain name follows the USERID
                boolean socks4a = frameHead[4] == 0 && frameHead[5] == 0 && frameHead[6] == 0 && frameHead[7] != 0;
                nulsLeft = socks4a ? 2 : 1;
            }
            return false;
        }
        if (x == 0 && --nulsLeft == 0) {
            framing = PlaintextProtocols.Framing.NONE;
            return true;
        }
        return false;
    }

    /** Total length of the current framed message from its head bytes; -1 = need more, -2 = not framed. */
    private long frameLength() {
        return switch (framing) {
            case FIXED8 -> 8;
            case MYSQL -> frameHeadLength < 4 ? -1
                    : 4L + ((frameHead[0] & 0xff) | (frameHead[1] & 0xff) << 8 | (frameHead[2] & 0xff) << 16);
            case LDAP -> ldapLength();
            case SOCKS4, SOCKS5 -> -1; // see socks4Byte, Socks5Framing
            case NONE -> -2;
        };
    }

    /** One BER SEQUENCE (tag 0x30, definite length): its total length, -1 = need more, -2 = not LDAP. */
    private long ldapLength() {
        if (frameHead[0] != 0x30) {
            return -2;
        }
        if (frameHeadLength < 2) {
            return -1;
        }
        int first = frameHead[1] & 0xff;
        if (first < 0x80) {
            return 2L + first;
        }
        int n = first & 0x7f;
        if (n == 0 || n > 4) {
            return -2;
        }
        if (frameHeadLength < 2 + n) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (frameHead[2 + i] & 0xff);
        }
        return 2L + n + v;
    }
}
