package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.report.CertificateInfo;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Records every event a decoder pushes, in order, with the frame and timestamp it carried. */
final class RecordingEvents implements TlsEvents {

    /**
     * One event. {@code key} is what must not depend on how the stream was cut into feeds; the
     * chunk-dependent facts (plaintext evidence bytes, ClientHello.tcpSegments) stay in {@code value}.
     */
    record Event(String kind, String key, long frame, long tsNanos, Object value) {
        @Override
        public String toString() {
            return "#" + frame + " " + key;
        }
    }

    final List<Event> events = new ArrayList<>();
    /** the decoder's mode and wantsBytes() after the last feed (set by {@link Feeding}) */
    TlsStreamDecoder.Mode finalMode;
    boolean finalWantsBytes;

    private void add(String kind, String key, long frame, long ts, Object value) {
        events.add(new Event(kind, key, frame, ts, value));
    }

    @Override
    public void clientHello(ClientHello hello, long frame, long tsNanos) {
        add("clientHello", "clientHello " + hello.withTransport(hello.records(), 0), frame, tsNanos, hello);
    }

    @Override
    public void serverHello(ServerHello hello, long frame, long tsNanos) {
        add("serverHello", "serverHello " + hello, frame, tsNanos, hello);
    }

    @Override
    public void certificates(List<CertificateInfo> chain, long frame, long tsNanos) {
        add("certificates", "certificates " + chain, frame, tsNanos, chain);
    }

    @Override
    public void handshakeMessage(int type, int length, long frame, long tsNanos) {
        add("handshakeMessage", "handshakeMessage type=" + type + " length=" + length, frame, tsNanos,
                new int[] {type, length});
    }

    @Override
    public void changeCipherSpec(long frame, long tsNanos) {
        add("changeCipherSpec", "changeCipherSpec", frame, tsNanos, null);
    }

    @Override
    public void alert(Alert alert, long frame, long tsNanos) {
        add("alert", "alert " + alert, frame, tsNanos, alert);
    }

    @Override
    public void encryptedRecord(int contentType, int length, long frame, long tsNanos) {
        add("encryptedRecord", "encryptedRecord type=" + contentType + " length=" + length, frame, tsNanos,
                new int[] {contentType, length});
    }

    @Override
    public void heartbeat(int type, int payloadLength, int recordLength, long frame, long tsNanos) {
        add("heartbeat", "heartbeat type=" + type + " payload=" + payloadLength + " record=" + recordLength, frame,
                tsNanos, new int[] {type, payloadLength, recordLength});
    }

    @Override
    public void plaintext(byte[] firstBytes, long frame, long tsNanos) {
        add("plaintext", "plaintext", frame, tsNanos, firstBytes.clone());
    }

    @Override
    public void startTls(String protocol, long frame, long tsNanos) {
        add("startTls", "startTls " + protocol, frame, tsNanos, protocol);
    }

    @Override
    public void violation(String reason, long frame, long tsNanos) {
        add("violation", "violation " + reason, frame, tsNanos, reason);
    }

    @Override
    public void anomaly(String name, long frame, long tsNanos) {
        add("anomaly", "anomaly " + name, frame, tsNanos, name);
    }

    List<Event> of(String kind) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (e.kind().equals(kind)) {
                out.add(e);
            }
        }
        return out;
    }

    Event first(String kind) {
        for (Event e : events) {
            if (e.kind().equals(kind)) {
                return e;
            }
        }
        return null;
    }

    List<String> keys() {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            out.add(e.key());
        }
        return out;
    }

    String dump() {
        StringBuilder sb = new StringBuilder();
        for (Event e : events) {
            sb.append(e).append(e.kind().equals("plaintext") ? " " + HexFormat.of().formatHex((byte[]) e.value()) : "")
                    .append('\n');
        }
        return sb.toString();
    }
}
