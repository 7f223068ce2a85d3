package dev.nfe.dissect.tls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The decoder's layers built by hand, as {@link TlsStreamDecoder} builds them, with a sink between
 * the record layer and the content layer that records every call the record layer makes (and the
 * protection state after it) before passing it on. So tests see what the record layer hands up,
 * and the real content and handshake layers still answer its questions.
 */
final class LayerStack implements RecordLayer.Sink {

    /** One call of the record layer. {@code key} does not depend on how the stream was cut. */
    record Call(String key, long frame, long firstFeed, Protection protection) {
        @Override
        public String toString() {
            return "#" + frame + " " + key + " -> " + protection;
        }
    }

    final RecordingEvents events = new RecordingEvents();
    final Reporter report = new Reporter(new TlsEvents() {
        // everything goes to the recording listener; application data, which the record layer
        // reports itself, is also a call of the record layer
        @Override
        public void clientHello(dev.nfe.dissect.report.ClientHello h, long frame, long ts) {
            events.clientHello(h, frame, ts);
        }

        @Override
        public void serverHello(dev.nfe.dissect.report.ServerHello h, long frame, long ts) {
            events.serverHello(h, frame, ts);
        }

        @Override
        public void certificates(List<dev.nfe.dissect.report.CertificateInfo> chain, long frame, long ts) {
            events.certificates(chain, frame, ts);
        }

        @Override
        public void handshakeMessage(int type, int length, long frame, long ts) {
            events.handshakeMessage(type, length, frame, ts);
        }

        @Override
        public void changeCipherSpec(long frame, long ts) {
            events.changeCipherSpec(frame, ts);
        }

        @Override
        public void alert(dev.nfe.dissect.report.Alert alert, long frame, long ts) {
            events.alert(alert, frame, ts);
        }

        @Override
        public void heartbeat(int type, int payloadLength, int recordLength, long frame, long ts) {
            events.heartbeat(type, payloadLength, recordLength, frame, ts);
        }

        @Override
        public void encryptedRecord(int contentType, int length, long frame, long ts) {
            if (contentType == 23 && !inCall) {
                add("applicationData length=" + length, -1);
                after();
            }
            events.encryptedRecord(contentType, length, frame, ts);
        }

        @Override
        public void plaintext(byte[] firstBytes, long frame, long ts) {
            events.plaintext(firstBytes, frame, ts);
        }

        @Override
        public void startTls(String protocol, long frame, long ts) {
            events.startTls(protocol, frame, ts);
        }

        @Override
        public void violation(String reason, long frame, long ts) {
            events.violation(reason, frame, ts);
        }

        @Override
        public void anomaly(String name, long frame, long ts) {
            events.anomaly(name, frame, ts);
        }
    });
    /** a call of the record layer is being handled (its events are not calls themselves) */
    private boolean inCall;
    final ContentLayer content;
    final RecordLayer records;
    final List<Call> calls = new ArrayList<>();

    LayerStack(TlsContext context) {
        this.content = new ContentLayer(context, report);
        this.records = new RecordLayer(context.limits(), report, this);
    }

    /** What {@link TlsStreamDecoder#feed} does. */
    void feed(byte[] b, int off, int len, long frame, long ts) {
        if (len == 0 || !records.wantsBytes() || report.broken()) {
            return;
        }
        report.feed(frame, ts);
        records.consume(b, off, off + len);
    }

    /** What {@link TlsStreamDecoder#gap} does. */
    void gap(long bytes, long frame, long ts) {
        if (bytes <= 0 || !records.wantsBytes() || report.broken()) {
            return;
        }
        report.gap(frame, ts);
        report.anomaly("gap");
        records.gap(bytes);
    }

    Protection protection() {
        return content.handshakes().protection();
    }

    /** {@code stream} cut at the given positions, each chunk labelled with the offset of its last byte. */
    static LayerStack cuts(byte[] stream, int[] cuts, TlsContext context) {
        LayerStack stack = new LayerStack(context);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            if (to > from) {
                byte[] chunk = Arrays.copyOfRange(stream, from, to);
                stack.feed(chunk, 0, chunk.length, to - 1, (to - 1) * 1000L + 7);
            }
            from = to;
        }
        return stack;
    }

    static LayerStack fragments(byte[] stream, int size, TlsContext context) {
        int n = Math.max(0, (stream.length - 1) / size);
        int[] cuts = new int[n];
        for (int i = 0; i < n; i++) {
            cuts[i] = (i + 1) * size;
        }
        return cuts(stream, cuts, context);
    }

    static LayerStack segments(List<Fixture.Segment> segments, TlsContext context) {
        LayerStack stack = new LayerStack(context);
        for (Fixture.Segment s : segments) {
            if (s.bytes() == null) {
                stack.gap(s.gapBytes(), s.frame(), s.tsNanos());
            } else {
                stack.feed(s.bytes(), 0, s.bytes().length, s.frame(), s.tsNanos());
            }
        }
        return stack;
    }

    List<String> keys() {
        return calls.stream().map(Call::key).toList();
    }

    private void add(String key, long firstFeed) {
        calls.add(new Call(key, report.frame, firstFeed, null));
    }

    /** Completes the last call with the protection state after it was handled. */
    private void after() {
        Call c = calls.get(calls.size() - 1);
        calls.set(calls.size() - 1, new Call(c.key(), c.frame(), c.firstFeed(), protection()));
    }

    private static String body(byte[] b, int off, int len) {
        return len <= 8 ? HexFormat.of().formatHex(b, off, off + len)
                : Integer.toHexString(Arrays.hashCode(Arrays.copyOfRange(b, off, off + len)));
    }

    @Override
    public void record(int contentType, int version, long index, long firstFeed, byte[] b, int off, int len) {
        add("record type=" + contentType + " version=" + Integer.toHexString(version) + " index=" + index
                + " length=" + len + " body=" + body(b, off, len), firstFeed);
        inCall = true;
        content.record(contentType, version, index, firstFeed, b, off, len);
        inCall = false;
        after();
    }

    @Override
    public void counted(int contentType, int length, byte[] head, boolean headComplete) {
        String h = contentType == 24 ? (headComplete ? " head=" + HexFormat.of().formatHex(head) : " head lost") : "";
        add("counted type=" + contentType + " length=" + length + h, -1);
        inCall = true;
        content.counted(contentType, length, head, headComplete);
        inCall = false;
        after();
    }

    @Override
    public boolean keepsSslv2(int length) {
        inCall = true;
        boolean keeps = content.keepsSslv2(length);
        inCall = false;
        add("keepsSslv2 length=" + length + " " + keeps, -1);
        after();
        return keeps;
    }

    @Override
    public void sslv2Record(byte[] b, int off, int len, int padding, long firstFeed) {
        add("sslv2Record length=" + len + " padding=" + padding + " body=" + body(b, off, len), firstFeed);
        inCall = true;
        content.sslv2Record(b, off, len, padding, firstFeed);
        inCall = false;
        after();
    }

    @Override
    public void sslv2Counted(int length) {
        add("sslv2Counted length=" + length, -1);
        inCall = true;
        content.sslv2Counted(length);
        inCall = false;
        after();
    }

    @Override
    public void sslv2Lost(int messageType) {
        add("sslv2Lost type=" + messageType, -1);
        inCall = true;
        content.sslv2Lost(messageType);
        inCall = false;
        after();
    }

    @Override
    public void handshakeLost() {
        add("handshakeLost", -1);
        inCall = true;
        content.handshakeLost();
        inCall = false;
        after();
    }
}
