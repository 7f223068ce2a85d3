package dev.nfe.dissect.tls;

import java.util.Arrays;

/**
 * The handshake layer: cuts the bodies of consecutive plaintext handshake records into handshake
 * messages. It never sees a record header; a message may span records (its bytes are copied into
 * one growing buffer, at most the cap) and a record may hold several messages (those are handed
 * over in place, without copying). Zeek's "separation is necessary due to possible fragmentation
 * of SSL records".
 *
 * <pre>
 * RFC 8446 section 4 / RFC 5246 section 7.4:
 *   struct {
 *       HandshakeType msg_type;    // 1 byte
 *       uint24 length;             // bytes in message
 *       select (Handshake.msg_type) { ... };
 *   } Handshake;
 * </pre>
 */
final class HandshakeReassembler {

    /** Receives complete messages. */
    interface Sink {
        /**
         * A complete message body {@code b[off, off+len)} (valid during the call only).
         *
         * @param firstRecord        index of the record that held the message's first header byte
         * @param firstFeed          feed number in which that record's first byte arrived
         * @param firstRecordVersion record-layer version of that record
         */
        void message(int type, byte[] b, int off, int len, long firstRecord, long firstFeed, int firstRecordVersion);

        /**
         * A message longer than the cap starts. Return true to skip its body by counting, false to
         * stop (the sink has reported a violation).
         */
        boolean oversized(int type, int length);

        /** An oversized message has been skipped to its end. */
        void skipped(int type, int length);
    }

    private final int cap;
    private final Sink sink;

    private final byte[] head = new byte[4];
    private int headLength;
    /** length of the message being collected or skipped; -1 between messages */
    private int messageLength = -1;
    private int messageType;
    private byte[] body = new byte[0];
    private int bodyLength;
    private boolean skipping;
    private int skipRemaining;
    private long startRecord;
    private long startFeed;
    private int startVersion;
    private boolean stopped;

    HandshakeReassembler(int cap, Sink sink) {
        this.cap = cap;
        this.sink = sink;
    }

    /** Consumes the body of one handshake record. */
    void push(byte[] b, int off, int len, long record, long recordFirstFeed, int recordVersion) {
        int p = off;
        int end = off + len;
        while (p < end && !stopped) {
            if (skipping) {
                int n = Math.min(skipRemaining, end - p);
                skipRemaining -= n;
                p += n;
                if (skipRemaining == 0) {
                    skipping = false;
                    messageLength = -1;
                    sink.skipped(messageType, bodyLength);
                }
            } else if (messageLength < 0) {
                if (headLength == 0 && end - p >= 4) {
                    int type = b[p] & 0xff;
                    int length = u24(b, p + 1);
                    if (end - p - 4 >= length) {
                        p += 4;
                        sink.message(type, b, p, length, record, recordFirstFeed, recordVersion);
                        p += length;
                    } else {
                        p += 4;
                        start(type, length, record, recordFirstFeed, recordVersion);
                    }
                } else {
                    if (headLength == 0) {
                        startRecord = record;
                        startFeed = recordFirstFeed;
                        startVersion = recordVersion;
                    }
                    head[headLength++] = b[p++];
                    if (headLength == 4) {
                        headLength = 0;
                        start(head[0] & 0xff, u24(head, 1), startRecord, startFeed, startVersion);
                    }
                }
            } else {
                int n = Math.min(messageLength - bodyLength, end - p);
                if (body.length < bodyLength + n) {
                    int size = Math.max(bodyLength + n, Math.min(messageLength, Math.max(4096, 2 * body.length)));
                    body = Arrays.copyOf(body, size);
                }
                System.arraycopy(b, p, body, bodyLength, n);
                bodyLength += n;
                p += n;
                if (bodyLength == messageLength) {
                    messageLength = -1;
                    sink.message(messageType, body, 0, bodyLength, startRecord, startFeed, startVersion);
                }
            }
        }
    }

    private void start(int type, int length, long record, long feed, int version) {
        startRecord = record;
        startFeed = feed;
        startVersion = version;
        messageType = type;
        bodyLength = 0;
        if (length > cap) {
            if (!sink.oversized(type, length)) {
                stopped = true;
                return;
            }
            skipping = true;
            skipRemaining = length;
            bodyLength = length;
            messageLength = length;
            return;
        }
        if (length == 0) {
            sink.message(type, body, 0, 0, record, feed, version);
            return;
        }
        messageLength = length;
    }

    /** True while part of a message (or of its header) waits for the next record. */
    boolean partial() {
        return headLength > 0 || messageLength >= 0;
    }

    /** Stops for good (the direction broke). */
    void stop() {
        stopped = true;
    }

    /** Forgets a partial message (after a gap, or when the direction's handshake becomes protected). */
    void reset() {
        headLength = 0;
        messageLength = -1;
        bodyLength = 0;
        skipping = false;
        skipRemaining = 0;
    }

    private static int u24(byte[] b, int p) {
        return ((b[p] & 0xff) << 16) | ((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff);
    }
}
