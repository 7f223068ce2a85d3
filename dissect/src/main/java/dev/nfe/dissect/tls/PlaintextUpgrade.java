package dev.nfe.dissect.tls;

/**
 * The plaintext prefix of a direction and the STARTTLS upgrade out of it. The record layer hands
 * over when the first bytes of a direction are not TLS; from then on TLS is looked for, strictly
 * ({@link RecordProbe.Expect#UPGRADE}: a handshake record starting a ClientHello or ServerHello, a
 * 2-byte plaintext alert with a registered description, or an SSLv2 CLIENT-HELLO), at the start of
 * every feed and right after every plaintext message end that {@link PlaintextScanner} finds (line
 * end, MySQL packet, LDAP message, PostgreSQL SSLRequest or 'S' answer, XMPP tag). When found,
 * {@code startTls} names the plaintext protocol ({@link PlaintextProtocols}) and the record layer
 * takes the bytes from there, starting with what is left in the {@link ProbeWindow}. At most
 * {@link TlsLimits#maxPlaintextScan} plaintext bytes are looked at (then anomaly
 * {@code plaintext_scan_limit}, and the direction is done).
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
    private State state = State.SCANNING;
    /** the scan stopped at a message end: TLS may start at the next byte */
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
     * Scans plaintext bytes the record layer kept in the window before it knew they were not TLS
     * (TLS is not looked for inside them: their start was just found not to be TLS).
     */
    void scanKept(byte[] b, int off, int end) {
        int p = off;
        while (p < end) {
            p = scanner.scan(b, p, end);
            if (scanner.exhausted()) {
                exhausted();
                return;
            }
        }
    }

    /**
     * Consumes plaintext from {@code pos}: up to the next place where TLS may start, or to where TLS
     * starts ({@link State#UPGRADED}), or to {@code end}. Returns the position reached.
     *
     * @param chunkStart {@code pos} is the first byte of a feed (a segment boundary: TLS may start)
     */
    int consume(byte[] b, int pos, int end, boolean chunkStart) {
        boolean candidate = chunkStart || candidateNext;
        candidateNext = false;
        if (window.length > 0) {
            // a TLS start that needed more bytes than the previous feed had
            int old = window.length;
            int status = window.probeWith(b, pos, end, RecordProbe.Expect.UPGRADE, maxBody, -1, header);
            if (status == RecordProbe.NEED_MORE) {
                return end;
            }
            if (status == RecordProbe.OK) {
                upgrade();
                return pos;
            }
            window.clear();
            scanKept(window.bytes, 0, old);
            if (state != State.SCANNING) {
                return end;
            }
            candidate = chunkStart;
        }
        if (candidate) {
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
        candidateNext = next < end;
        return next;
    }

    /** Bytes of the plaintext were lost: lines and framing are unknown from here. */
    void gap(long bytes) {
        candidateNext = false;
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
