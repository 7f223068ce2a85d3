package dev.nfe.dissect.tls;

/**
 * The plaintext prefix of a direction and the STARTTLS upgrade out of it. The record layer hands
 * over when the first bytes of a direction are not TLS; from then on TLS is looked for, strictly
 * ({@link RecordProbe.Expect#UPGRADE}: a handshake record starting a ClientHello or ServerHello, a
 * 2-byte plaintext alert with a registered description, or an SSLv2 CLIENT-HELLO), right after
 * every plaintext message end that {@link PlaintextScanner} finds (line end, MySQL packet, LDAP
 * message, PostgreSQL SSLRequest or 'S' answer, SOCKS request or reply, XMPP tag) and right after
 * a gap. When found, {@code startTls} names the plaintext protocol ({@link PlaintextProtocols}) and
 * the record layer takes the bytes from there, starting with what is left in the
 * {@link ProbeWindow}. At most
 * {@link TlsLimits#maxPlaintextScan} plaintext bytes are looked at (then anomaly
 * {@code plaintext_scan_limit}, and the direction is done).
 *
 * <p>Where TLS may start is a property of the bytes, never of how TCP cut them: a feed boundary is
 * no candidate (a fuzzed stream showed that probing at every feed start made the same bytes an
 * upgrade or not depending on the cuts). A candidate whose probe needs more bytes than the feed
 * has waits in the window, unscanned; when the probe then says "not TLS", the kept bytes are
 * scanned as if they had come in one piece, including the candidates after message ends inside
 * them.
 */
final class PlaintextUpgrade {

    /** Where the scan stands. */
    enum State {
        /** still in plaintext, looking for TLS */
        SCANNING,
        /** TLS starts at the position {@link #consume} returned (the window may hold its first bytes) */
        UPGRADED,
        /** the scan limit was reached: nothing more is looked at */
        EXHAUSTED
    }

    private final Reporter report;
    private final ProbeWindow window;
    private final int maxBody;
    private final PlaintextScanner scanner;
    private final RecordProbe.Header header = new RecordProbe.Header();
    /** the bytes of a window found not to be TLS, while they are scanned */
    private final byte[] kept = new byte[RecordProbe.MAX_PROBE_BYTES];
    private State state = State.SCANNING;
    /** the next byte follows a message end (or a gap): TLS may start there */
    private boolean candidateNext;

    PlaintextUpgrade(Reporter report, ProbeWindow window, int maxBody, long maxScan) {
        this.report = report;
        this.window = window;
        this.maxBody = maxBody;
        this.scanner = new PlaintextScanner(maxScan);
    }

    State state() {
        return state;
    }

    /**
     * Consumes plaintext from {@code pos}: up to the next place where TLS may start, or to where TLS
     * starts ({@link State#UPGRADED}), or to {@code end}. Returns the position reached.
     */
    int consume(byte[] b, int pos, int end) {
        if (window.length > 0) {
            // a candidate that needed more bytes than the previous feeds had
            int reached = probeWindow(b, pos, end);
            return reached >= 0 ? reached : keptNotTls(b, pos, end);
        }
        if (candidateNext) {
            candidateNext = false;
            int status = RecordProbe.probeInto(b, pos, end - pos, RecordProbe.Expect.UPGRADE, maxBody, -1, header);
            if (status == RecordProbe.OK) {
                upgrade();
                return pos;
            }
            if (status == RecordProbe.NEED_MORE) {
                window.keep(b, pos, end, report.feeds);
                return end;
            }
        }
        int next = scanner.scan(b, pos, end);
        if (scanner.exhausted()) {
            exhausted();
            return end;
        }
        candidateNext = scanner.atMessageEnd();
        return next;
    }

    /**
     * The bytes in the window are plaintext: TLS does not start at their first byte (the record
     * layer's first probe, or an upgrade probe, said so). Scans them, probing after each message
     * end inside them with the bytes that follow (the window's, then {@code b[pos, end)}), and
     * returns the position reached in {@code b}: {@code pos}, or {@code end} when a candidate
     * inside them still needs more bytes (they wait in the window again).
     */
    int keptNotTls(byte[] b, int pos, int end) {
        int length = window.length;
        long firstFeed = window.firstFeed;
        System.arraycopy(window.bytes, 0, kept, 0, length);
        window.clear();
        int p = 0;
        while (p < length) {
            p = scanner.scan(kept, p, length);
            if (scanner.exhausted()) {
                exhausted();
                return end;
            }
            if (!scanner.atMessageEnd()) {
                continue;
            }
            if (p == length) {
                candidateNext = true; // TLS may start at b[pos]
                break;
            }
            window.keep(kept, p, length, firstFeed);
            int reached = probeWindow(b, pos, end);
            if (reached >= 0) {
                return reached;
            }
            window.clear();
        }
        return pos;
    }

    /**
     * Probes for TLS at the window's first byte, with {@code b[pos, end)} after the window's bytes:
     * {@code end} when the probe needs more (the window keeps waiting), {@code pos} when TLS starts
     * there (upgraded), -1 when it does not.
     */
    private int probeWindow(byte[] b, int pos, int end) {
        int status = window.probeWith(b, pos, end, RecordProbe.Expect.UPGRADE, maxBody, -1, header);
        if (status == RecordProbe.NEED_MORE) {
            return end;
        }
        if (status == RecordProbe.OK) {
            upgrade();
            return pos;
        }
        return -1;
    }

    /** Bytes of the plaintext were lost: lines and framing are unknown from here, TLS may start after the hole. */
    void gap(long bytes) {
        window.clear();
        candidateNext = true;
        scanner.gap(bytes);
        if (scanner.exhausted()) {
            exhausted();
        }
    }

    private void upgrade() {
        state = State.UPGRADED;
        report.events.startTls(scanner.protocol(), report.frame, report.ts);
    }

    private void exhausted() {
        state = State.EXHAUSTED;
        report.anomaly("plaintext_scan_limit");
    }
}
