package dev.nfe.pipeline.kafka;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.flow.FlowKey;

/**
 * The Kafka key of a segment: the canonical flow key (lower endpoint first), so both directions
 * of a connection hash to the same partition and stay in order there.
 * <pre>
 * key = ip_len (1) | low ip (4|16) | low port (2) | high ip (4|16) | high port (2)
 * </pre>
 */
public final class FlowKeyBytes {
    private FlowKeyBytes() {
    }

    public static byte[] of(Endpoint a, Endpoint b) {
        FlowKey k = FlowKey.of(a, b);
        int n = k.low().ip().byteLength();
        byte[] out = new byte[1 + 2 * (n + 2)];
        out[0] = (byte) n;
        int p = 1;
        p += k.low().ip().writeTo(out, p);
        out[p++] = (byte) (k.low().port() >>> 8);
        out[p++] = (byte) k.low().port();
        p += k.high().ip().writeTo(out, p);
        out[p++] = (byte) (k.high().port() >>> 8);
        out[p] = (byte) k.high().port();
        return out;
    }
}
