package dev.nfe.dissect.classify;

import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;

/**
 * One turning point of a connection with the value it carries. Each record stands for exactly
 * one {@link EventKind} (its {@link #kind()} is fixed), so whoever reads a timeline gets the
 * value from the record type, never by casting an untyped payload back.
 *
 * <p>Java 17 has no pattern switch: readers switch over {@link #kind()} (exhaustive over the
 * enum) and take the value with an {@code instanceof} pattern where they need one.
 */
public sealed interface Event {

    EventKind kind();

    /** The payload-free turning points, one instance each. */
    Event SYN = new Syn();
    Event SYNACK = new SynAck();
    Event CCS = new ChangeCipherSpec();

    /** A SYN without ACK. */
    record Syn() implements Event {
        @Override
        public EventKind kind() {
            return EventKind.SYN;
        }
    }

    /** A SYN with ACK. */
    record SynAck() implements Event {
        @Override
        public EventKind kind() {
            return EventKind.SYNACK;
        }
    }

    /**
     * A complete ClientHello, and the stream position just after the segment that completed it:
     * a RST whose sender had acknowledged that far had read the whole hello.
     */
    record Hello(ClientHello hello, long endPosition) implements Event {
        @Override
        public EventKind kind() {
            return EventKind.CLIENT_HELLO;
        }
    }

    /** A complete ServerHello, HelloRetryRequest or SSLv2 SERVER-HELLO. */
    record ServerHelloSeen(ServerHello hello) implements Event {
        @Override
        public EventKind kind() {
            return EventKind.SERVER_HELLO;
        }
    }

    /** The first of a run of other plaintext handshake messages; {@code type} as TlsEvents numbers it. */
    record Handshake(int type) implements Event {
        @Override
        public EventKind kind() {
            return EventKind.HANDSHAKE;
        }
    }

    /** A ChangeCipherSpec record. */
    record ChangeCipherSpec() implements Event {
        @Override
        public EventKind kind() {
            return EventKind.CCS;
        }
    }

    /** The first protected record after each change of protection: its content type and body length. */
    record Protected(int contentType, int length) implements Event {
        @Override
        public EventKind kind() {
            return EventKind.ENCRYPTED;
        }

        /**
         * A TLS 1.3 protected record this short can only be an alert: 2 alert bytes + 1 inner
         * content type + a 16-byte AEAD tag = 19 (RFC 8446 section 5.2), a few more with padding.
         * The smallest Finished record is 4 + 32 + 1 + 16 = 53.
         */
        public boolean alertSized() {
            return contentType == 23 && length > 0 && length <= 24;
        }
    }

    /** An alert record, plaintext or encrypted. */
    record AlertSeen(Alert alert) implements Event {
        @Override
        public EventKind kind() {
            return EventKind.ALERT;
        }
    }

    /** Bytes that are not TLS; {@code firstBytes} is a short prefix kept as evidence (not shared, never changed). */
    record Plaintext(byte[] firstBytes) implements Event {
        @Override
        public EventKind kind() {
            return EventKind.PLAINTEXT;
        }
    }

    /** TLS began after a plaintext prefix of {@code protocol} (smtp, imap, ..., or "unknown"). */
    record StartTls(String protocol) implements Event {
        @Override
        public EventKind kind() {
            return EventKind.STARTTLS;
        }
    }

    /**
     * The first FIN of a side (with its IP TTL), and where its sender and the peer stood then: a
     * server that closes without a close_notify while the client's request waits has dropped it.
     */
    record Fin(int ttl, Side sender, Side peer) implements Event {
        @Override
        public EventKind kind() {
            return EventKind.FIN;
        }
    }

    /**
     * One end of the connection at a RST or FIN.
     *
     * @param ackPosition     how far it had acknowledged the other end's stream (-1: unknown)
     * @param lastData        ordinal (within the connection) of the segment that completed its last
     *                        record that was not an alert, -1 when none: who spoke last
     * @param endedWithAlert  its last TLS record was an alert (a close_notify, most likely)
     * @param lastUnseen      ordinal of its last segment whose payload a Kafka agent's budget left
     *                        behind (data or an alert, nobody can tell), -1 when none
     */
    record Side(long ackPosition, long lastData, boolean endedWithAlert, long lastUnseen) {
        public static final Side UNKNOWN = new Side(-1, -1, false, -1);

        /**
         * Whether this end had sent data after {@code other}'s last data, as far as the bytes show:
         * unseen payload counts as {@code other}'s data and never as this end's, so a budget can hide
         * a waiting request but never invent one.
         */
        public boolean spokeAfter(Side other) {
            return lastData > Math.max(other.lastData, other.lastUnseen);
        }
    }

    /**
     * A RST: what its IP header says, and where each end stood when it arrived — the sender of
     * the RST and its peer.
     */
    record Rst(int ttl, int ipId, Side sender, Side peer) implements Event {
        @Override
        public EventKind kind() {
            return EventKind.RST;
        }

    }

    /** {@code bytes} of the stream were never captured. */
    record Gap(long bytes) implements Event {
        @Override
        public EventKind kind() {
            return EventKind.GAP;
        }
    }

    /** The side's TLS stream broke the protocol; nothing more of it is parsed. */
    record Violation(String reason) implements Event {
        @Override
        public EventKind kind() {
            return EventKind.VIOLATION;
        }
    }
}
