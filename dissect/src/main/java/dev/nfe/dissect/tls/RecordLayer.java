package dev.nfe.dissect.tls;

/**
 * The record layer of one direction: finds record boundaries and hands whole records (or, for
 * bodies nobody parses, their lengths) to a {@link Sink}. It knows record headers and nothing of
 * what records hold, except which content types are worth keeping whole.
 *
 * <p>Nothing is consumed until a whole record is there ({@link RecordProbe} answers "record",
 * "need more" or "not TLS"; at most {@link RecordProbe#MAX_PROBE_BYTES} bytes of an undecided
 * header wait in the {@link ProbeWindow}). Handshake, alert and ChangeCipherSpec records, and the
 * SSLv2 records the sink {@link Sink#keepsSslv2 keeps}, are buffered whole (at most
 * {@link TlsLimits#maxRecordBytes}; a record that fits one feed is handed over in place, without a
 * copy). Application data, heartbeat and other bodies are counted over, so a long stream costs no
 * copy and no allocation per record; of a heartbeat only the first 3 bytes are kept. Application
 * data needs no reading at all: the record layer reports it as an encrypted record itself, which
 * saves a call per record on the hottest path (it is measurable with the C1-only JIT replay uses).
 *
 * <p>The first bytes of a direction decide what it is: a record makes it {@link
 * TlsStreamDecoder.Mode#TLS} or {@link TlsStreamDecoder.Mode#SSLV2}; bytes that are not a record
 * start make it {@link TlsStreamDecoder.Mode#PLAINTEXT} (event {@code plaintext} with up to 16
 * first bytes) and go to {@link PlaintextUpgrade}, which may find TLS later (STARTTLS). A bad header
 * after that (or a first header whose type and version are right but whose length is not) is a
 * violation, {@code bad_record_header}.
 *
 * <p>Gaps: a hole inside a counted body only shortens it; inside a buffered body it damages that
 * record (it is dropped, a handshake record's message with it) but the framing survives. Otherwise
 * the framing is lost: at the start of each later feed the layer probes strictly for a record
 * header ({@link RecordProbe.Expect#RESYNC}, same version as the last record) and resumes there,
 * and gives up quietly after {@link TlsLimits#maxPlaintextScan} bytes without one.
 */
final class RecordLayer {

    /** What the records hold, one call per record, in stream order. Bodies are valid during the call only. */
    interface Sink {
        /** A whole SSLv3/TLS record of a buffered type (20, 21, 22); {@code index} counts records from 1. */
        void record(int contentType, int version, long index, long firstFeed, byte[] b, int off, int len);

        /**
         * An SSLv3/TLS record counted over, other than application data (which the record layer
         * reports itself): a heartbeat (24), whose first 3 bytes {@code head} holds when
         * {@code headComplete}, or a record of an unknown type.
         */
        void counted(int contentType, int length, byte[] head, boolean headComplete);

        /** Whether the next SSLv2 record, whose message (the body without padding) has this length, is kept whole. */
        boolean keepsSslv2(int length);

        /**
         * A whole SSLv2 record that {@link #keepsSslv2} kept: its body {@code b[off, off+len)}, of which
         * the last {@code padding} bytes (3-byte header) are padding and no part of the message.
         */
        void sslv2Record(byte[] b, int off, int len, int padding, long firstFeed);

        /** An SSLv2 record counted over. */
        void sslv2Counted(int length);

        /**
         * A gap damaged an SSLv2 record being kept whole: it still counts as a record, unread;
         * {@code messageType} is its first body byte, or -1 when that was lost too.
         */
        void sslv2Lost(int messageType);

        /** Handshake bytes were lost (a gap inside a handshake record, or the framing lost). */
        void handshakeLost();
    }

    /** What the next bytes are for. */
    private enum Phase {
        /** a record header (or, before the first record, the decision TLS or not) */
        HEADER,
        /** collecting a record body that will be parsed */
        BUFFER_BODY,
        /** counting over a record body that will not be parsed */
        SKIP_BODY,
        /** in a plaintext prefix, looking for TLS ({@link PlaintextUpgrade}) */
        PLAINTEXT,
        /** after a gap that lost the record framing: looking for a record header at segment starts */
        RESYNC,
        /** nothing more to learn from this direction */
        DONE
    }

    /** Bytes of a counted heartbeat body that are kept: type and payload_length. */
    private static final int HEAD = 3;

    private final TlsLimits limits;
    private final int maxBody;
    private final Reporter report;
    private final Sink sink;
    private final RecordProbe.Header header = new RecordProbe.Header();
    private final ProbeWindow window = new ProbeWindow();

    /** UNKNOWN, PLAINTEXT (also after an upgrade, until its first record), TLS or SSLV2; never BROKEN */
    private TlsStreamDecoder.Mode mode = TlsStreamDecoder.Mode.UNKNOWN;
    private Phase phase = Phase.HEADER;
    private PlaintextUpgrade plaintext;

    // the current record
    private long records;
    private int recordType;
    private int recordVersion;
    private int recordLength;
    private boolean recordSslv2;
    /** SSLv2 3-byte header: the padding at the end of the body, which is no part of the message */
    private int recordPadding;
    private long recordFirstFeed;
    private byte[] recordBuffer = new byte[0];
    private int recordHave;
    private int skipRemaining;
    private final byte[] skipHead = new byte[HEAD];
    /** bytes of {@link #skipHead} read; HEAD + 1 when a gap lost some of them */
    private int skipHeadLength;
    private boolean recordDamaged;

    /** version of the last SSLv3/TLS record, for resynchronisation; -1 before any */
    private int lastRecordVersion = -1;
    private long resyncSkipped;

    RecordLayer(TlsLimits limits, Reporter report, Sink sink) {
        this.limits = limits;
        this.maxBody = limits.maxRecordBytes() - 5;
        this.report = report;
        this.sink = sink;
    }

    /** What the direction carries so far ({@link TlsStreamDecoder.Mode#BROKEN} is the reporter's to tell). */
    TlsStreamDecoder.Mode mode() {
        return mode;
    }

    /** False once nothing more can be learned from this direction's bytes. */
    boolean wantsBytes() {
        return phase != Phase.DONE;
    }

    /** Consumes the in-order bytes {@code b[off, end)} of one feed. */
    void consume(byte[] b, int off, int end) {
        int pos = off;
        while (pos < end && phase != Phase.DONE) {
            switch (phase) {
                case HEADER -> pos = header(b, pos, end);
                case BUFFER_BODY -> pos = bufferBody(b, pos, end);
                case SKIP_BODY -> pos = skipBody(b, pos, end);
                case PLAINTEXT -> pos = plaintext(b, pos, end);
                case RESYNC -> pos = resync(b, pos, end, pos == off);
                case DONE -> pos = end;
            }
        }
    }

    /** {@code bytes} of the stream were never captured. */
    void gap(long bytes) {
        switch (phase) {
            case SKIP_BODY -> {
                if (bytes <= skipRemaining) {
                    // the hole is inside a body we only count over: the framing survives
                    skipRemaining -= (int) bytes;
                    if (skipHeadLength < HEAD) {
                        skipHeadLength = HEAD + 1; // the heartbeat head is lost
                    }
                    if (skipRemaining == 0) {
                        completeSkipped();
                    }
                    return;
                }
            }
            case BUFFER_BODY -> {
                if (bytes <= recordLength - recordHave) {
                    // the record is damaged but its end is known: skip to the next header
                    recordDamaged = true;
                    skipRemaining = recordLength - recordHave - (int) bytes;
                    phase = Phase.SKIP_BODY;
                    if (recordSslv2) {
                        sink.sslv2Lost(recordHave > 0 ? recordBuffer[0] & 0xff : -1);
                    } else if (recordType == 22) {
                        sink.handshakeLost();
                    }
                    if (skipRemaining == 0) {
                        completeSkipped();
                    }
                    return;
                }
            }
            case PLAINTEXT -> {
                plaintext.gap(bytes);
                if (plaintext.state() == PlaintextUpgrade.State.EXHAUSTED) {
                    phase = Phase.DONE;
                }
                return;
            }
            case RESYNC -> {
                window.clear();
                resyncSkipped += bytes;
                if (resyncSkipped > limits.maxPlaintextScan()) {
                    phase = Phase.DONE;
                }
                return;
            }
            case HEADER, DONE -> {
            }
        }
        // the record framing is lost
        window.clear();
        recordDamaged = false;
        sink.handshakeLost();
        resyncSkipped = 0;
        phase = Phase.RESYNC;
    }

    // ------------------------------------------------------------------------------ headers

    private RecordProbe.Expect expectation() {
        if (mode == TlsStreamDecoder.Mode.TLS) {
            return RecordProbe.Expect.TLS_NEXT;
        }
        return mode == TlsStreamDecoder.Mode.SSLV2 ? RecordProbe.Expect.SSLV2_NEXT : RecordProbe.Expect.STREAM_START;
    }

    /** A record header (or the first bytes of the direction). */
    private int header(byte[] b, int pos, int end) {
        RecordProbe.Expect expect = expectation();
        if (window.length == 0) {
            int status = RecordProbe.probeInto(b, pos, end - pos, expect, maxBody, -1, header);
            if (status == RecordProbe.NEED_MORE) {
                window.keep(b, pos, end, report.feeds);
                return end;
            }
            if (status == RecordProbe.NOT_TLS) {
                return notARecord(b, pos, end);
            }
            recordFirstFeed = report.feeds;
            int bodyStart = pos + header.headerLength;
            beginRecord();
            return bodyStart;
        }
        int old = window.length;
        int status = window.probeWith(b, pos, end, expect, maxBody, -1, header);
        if (status == RecordProbe.NEED_MORE) {
            return end;
        }
        if (status == RecordProbe.NOT_TLS) {
            return notARecord(b, pos, end);
        }
        window.clear();
        recordFirstFeed = window.firstFeed;
        int headerLength = header.headerLength;
        beginRecord();
        if (old > headerLength) {
            // the probe needed body bytes that arrived with an earlier feed
            bodyBytes(window.bytes, headerLength, old - headerLength);
            return pos;
        }
        return pos + (headerLength - old);
    }

    /** The probe said "not a record": plaintext at the start of a direction, a violation later. */
    private int notARecord(byte[] b, int pos, int end) {
        // a first record whose type and version are right but whose length is not is broken TLS, not plaintext
        boolean tlsShaped = header.reason == RecordProbe.RECORD_OVERFLOW || header.reason == RecordProbe.EMPTY_RECORD;
        if (mode != TlsStreamDecoder.Mode.UNKNOWN || tlsShaped) {
            // the evidence is the bytes the probe decided on: how many more the feed happened to
            // hold must not change what is reported (the tls-stream fuzzer found that it did)
            byte[] seen = window.prefix(RecordProbe.MAX_PROBE_BYTES, b, pos, end);
            byte[] first = java.util.Arrays.copyOf(seen, RecordProbe.decidingLength(seen, expectation(), maxBody));
            window.clear();
            report.violation("bad_record_header: " + header.reason + " (" + ProbeWindow.hex(first) + ")");
            phase = Phase.DONE;
            return end;
        }
        byte[] first = window.prefix(16, b, pos, end);
        mode = TlsStreamDecoder.Mode.PLAINTEXT;
        phase = Phase.PLAINTEXT;
        plaintext = new PlaintextUpgrade(report, window, maxBody, limits.maxPlaintextScan());
        report.events.plaintext(first, report.frame, report.ts);
        if (window.length == 0) {
            return pos;
        }
        // the undecided first bytes kept from earlier feeds are plaintext too; TLS may start inside them
        int next = plaintext.keptNotTls(b, pos, end);
        afterPlaintext();
        return next;
    }

    /** Starts the body of the record whose header is in {@link #header}. */
    private void beginRecord() {
        records++;
        recordType = header.contentType;
        recordVersion = header.version;
        recordLength = header.bodyLength;
        recordSslv2 = header.sslv2;
        recordPadding = header.padding;
        recordHave = 0;
        recordDamaged = false;
        if (mode != TlsStreamDecoder.Mode.TLS && mode != TlsStreamDecoder.Mode.SSLV2) {
            // the first record of the direction, or the first after a STARTTLS upgrade
            mode = recordSslv2 ? TlsStreamDecoder.Mode.SSLV2 : TlsStreamDecoder.Mode.TLS;
        } else if (!recordSslv2 && mode == TlsStreamDecoder.Mode.SSLV2) {
            mode = TlsStreamDecoder.Mode.TLS;
        }
        if (!recordSslv2) {
            lastRecordVersion = recordVersion;
        }
        if (buffered()) {
            phase = Phase.BUFFER_BODY;
            if (recordLength == 0) {
                completeRecord(recordBuffer, 0, 0);
            }
        } else {
            phase = Phase.SKIP_BODY;
            skipRemaining = recordLength;
            // only a heartbeat's first bytes are read (type, payload_length)
            skipHeadLength = recordType == 24 && !recordSslv2 ? 0 : HEAD;
            if (recordLength == 0) {
                completeSkipped();
            }
        }
    }

    /** Whether the current record's body is parsed (kept whole) or only counted. */
    private boolean buffered() {
        if (recordSslv2) {
            return recordLength <= maxBody && sink.keepsSslv2(recordLength - recordPadding);
        }
        return recordType == 20 || recordType == 21 || recordType == 22;
    }

    // ------------------------------------------------------------------------------ bodies

    private void bodyBytes(byte[] b, int off, int len) {
        if (phase == Phase.BUFFER_BODY) {
            bufferBody(b, off, off + len);
        } else if (phase == Phase.SKIP_BODY) {
            skipBody(b, off, off + len);
        }
    }

    private int bufferBody(byte[] b, int pos, int end) {
        int need = recordLength - recordHave;
        if (recordHave == 0 && end - pos >= need) {
            completeRecord(b, pos, need);
            return pos + need;
        }
        if (recordBuffer.length < recordLength) {
            recordBuffer = new byte[Math.max(recordLength, Math.min(maxBody, 2 * recordBuffer.length))];
        }
        int n = Math.min(need, end - pos);
        System.arraycopy(b, pos, recordBuffer, recordHave, n);
        recordHave += n;
        if (recordHave == recordLength) {
            completeRecord(recordBuffer, 0, recordLength);
        }
        return pos + n;
    }

    private int skipBody(byte[] b, int pos, int end) {
        int n = Math.min(skipRemaining, end - pos);
        for (int i = 0; i < n && skipHeadLength < HEAD; i++) {
            skipHead[skipHeadLength++] = b[pos + i];
        }
        skipRemaining -= n;
        if (skipRemaining == 0) {
            completeSkipped();
        }
        return pos + n;
    }

    /** A buffered record is complete: hand it over. */
    private void completeRecord(byte[] b, int off, int len) {
        phase = Phase.HEADER;
        if (recordSslv2) {
            sink.sslv2Record(b, off, len, recordPadding, recordFirstFeed);
        } else {
            sink.record(recordType, recordVersion, records, recordFirstFeed, b, off, len);
        }
        if (report.broken()) {
            phase = Phase.DONE;
        }
    }

    /** A record we only counted over is complete. */
    private void completeSkipped() {
        phase = Phase.HEADER;
        if (recordDamaged) {
            recordDamaged = false;
            return;
        }
        if (recordSslv2) {
            sink.sslv2Counted(recordLength);
        } else if (recordType == 23) {
            // application data needs no reading (see the class comment)
            report.events.encryptedRecord(23, recordLength, report.frame, report.ts);
        } else {
            sink.counted(recordType, recordLength, skipHead, skipHeadLength == HEAD);
        }
    }

    // ------------------------------------------------------------------------------ plaintext, resync

    private int plaintext(byte[] b, int pos, int end) {
        int next = plaintext.consume(b, pos, end);
        afterPlaintext();
        return next;
    }

    private void afterPlaintext() {
        switch (plaintext.state()) {
            case SCANNING -> {
            }
            case UPGRADED -> phase = Phase.HEADER; // the mode stays PLAINTEXT until the first record
            case EXHAUSTED -> phase = Phase.DONE;
        }
    }

    private int resync(byte[] b, int pos, int end, boolean chunkStart) {
        if (window.length > 0) {
            int status = window.probeWith(b, pos, end, RecordProbe.Expect.RESYNC, maxBody, lastRecordVersion, header);
            if (status == RecordProbe.NEED_MORE) {
                return end;
            }
            if (status == RecordProbe.OK) {
                phase = Phase.HEADER;
                return pos;
            }
            window.clear();
        }
        if (chunkStart) {
            int status = RecordProbe.probeInto(b, pos, end - pos, RecordProbe.Expect.RESYNC, maxBody,
                    lastRecordVersion, header);
            if (status == RecordProbe.OK) {
                phase = Phase.HEADER;
                return pos;
            }
            if (status == RecordProbe.NEED_MORE) {
                window.keep(b, pos, end, report.feeds);
                return end;
            }
        }
        resyncSkipped += end - pos;
        if (resyncSkipped > limits.maxPlaintextScan()) {
            phase = Phase.DONE;
        }
        return end;
    }
}
