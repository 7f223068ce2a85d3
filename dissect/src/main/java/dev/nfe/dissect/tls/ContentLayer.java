package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.Alert;

/**
 * What each record's content means, between the {@link RecordLayer} (which frames records) and the
 * {@link HandshakeLayer} (which reads handshake messages): alerts, ChangeCipherSpec and heartbeats
 * are read here (application data needs no reading; the record layer reports it); handshake record bodies go up to the handshake layer when its
 * {@link Protection} state says they are in clear, and are encrypted records otherwise; SSLv2
 * records go to {@link Sslv2Records}.
 *
 * <p>Alerts: a record of length 2 is a plaintext alert, any other length is encrypted (tshark's
 * rule; why it is right is in {@link TlsStreamDecoder}'s comment).
 */
final class ContentLayer implements RecordLayer.Sink {
    private static final Alert ENCRYPTED_ALERT = Alert.encryptedAlert();

    private final Reporter report;
    private final HandshakeLayer handshakes;
    private final Sslv2Records sslv2;

    ContentLayer(TlsContext context, Reporter report) {
        this.report = report;
        this.handshakes = new HandshakeLayer(context, report);
        this.sslv2 = new Sslv2Records(context, report);
    }

    HandshakeLayer handshakes() {
        return handshakes;
    }

    @Override
    public void record(int contentType, int version, long index, long firstFeed, byte[] b, int off, int len) {
        switch (contentType) {
            case 22 -> handshakeRecord(b, off, len, index, firstFeed, version);
            case 21 -> alertRecord(b, off, len);
            case 20 -> changeCipherSpecRecord(b, off, len);
            default -> report.anomaly("unknown_content_type");
        }
    }

    @Override
    public void counted(int contentType, int length, byte[] head, boolean headComplete) {
        if (contentType == 24) {
            heartbeatRecord(length, head, headComplete);
        } else {
            report.anomaly("unknown_content_type");
        }
    }

    @Override
    public boolean keepsSslv2(int length) {
        return sslv2.keeps(length);
    }

    @Override
    public void sslv2Record(byte[] b, int off, int len, int padding, long firstFeed) {
        sslv2.record(b, off, len, padding, firstFeed);
    }

    @Override
    public void sslv2Counted(int length) {
        sslv2.counted(length);
    }

    @Override
    public void sslv2Lost(int messageType) {
        sslv2.lost(messageType);
    }

    @Override
    public void handshakeLost() {
        handshakes.lost();
    }

    private void handshakeRecord(byte[] b, int off, int len, long index, long firstFeed, int version) {
        if (len == 0) {
            report.anomaly("empty_record");
            return;
        }
        if (!handshakes.readsInClear(b, off, len)) {
            report.events.encryptedRecord(22, len, report.frame, report.ts);
            return;
        }
        handshakes.push(b, off, len, index, firstFeed, version);
    }

    /**
     * RFC 8446 section 6 / RFC 5246 section 7.2:
     * <pre>
     *   enum { warning(1), fatal(2), (255) } AlertLevel;
     *   struct {
     *       AlertLevel level;
     *       AlertDescription description;
     *   } Alert;
     * </pre>
     * Length 2: plaintext; any other length: encrypted (tshark's rule, see the class comment).
     */
    private void alertRecord(byte[] b, int off, int len) {
        if (len == 0) {
            report.anomaly("empty_record");
            return;
        }
        if (len != 2) {
            report.events.alert(ENCRYPTED_ALERT, report.frame, report.ts);
            return;
        }
        report.events.alert(new Alert(false, b[off] & 0xff, b[off + 1] & 0xff), report.frame, report.ts);
    }

    /**
     * RFC 5246 section 7.1: {@code struct { enum { change_cipher_spec(1), (255) } type; } ChangeCipherSpec;}
     */
    private void changeCipherSpecRecord(byte[] b, int off, int len) {
        report.events.changeCipherSpec(report.frame, report.ts);
        if (len != 1 || b[off] != 1) {
            report.anomaly("malformed_change_cipher_spec");
        }
        handshakes.changeCipherSpec();
    }

    /**
     * RFC 6520 section 4:
     * <pre>
     *   struct {
     *       HeartbeatMessageType type;      // heartbeat_request(1), heartbeat_response(2)
     *       uint16 payload_length;
     *       opaque payload[HeartbeatMessage.payload_length];
     *       opaque padding[padding_length]; // at least 16 bytes
     *   } HeartbeatMessage;
     * </pre>
     * Protected exactly when this direction's handshake records are ({@link Protection#reading()}).
     */
    private void heartbeatRecord(int length, byte[] head, boolean headComplete) {
        if (handshakes.protection().reading() != Protection.Reading.CLEAR) {
            report.events.encryptedRecord(24, length, report.frame, report.ts);
            return;
        }
        if (!headComplete) {
            report.anomaly("malformed_heartbeat");
            return;
        }
        int type = head[0] & 0xff;
        int payloadLength = ((head[1] & 0xff) << 8) | (head[2] & 0xff);
        report.events.heartbeat(type, payloadLength, length, report.frame, report.ts);
        if (payloadLength + 3 + 16 > length) {
            report.anomaly("heartbeat_overread");
        }
    }
}
