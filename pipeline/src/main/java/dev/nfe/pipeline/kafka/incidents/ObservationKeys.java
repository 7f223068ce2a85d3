package dev.nfe.pipeline.kafka.incidents;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Keys of the observations store: the host, a 0 byte, the event time (big-endian, sign bit
 * flipped, so bytes sort as times do), then the observation's tie-breaker. A host's observations
 * are one key range, in event-time order; hosts are "ip:port" text and never hold a 0 byte.
 */
final class ObservationKeys {
    private ObservationKeys() {
    }

    static Bytes key(String host, long tsNanos, String order) {
        byte[] h = host.getBytes(StandardCharsets.UTF_8);
        byte[] o = order.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(h.length + 1 + 8 + o.length);
        b.put(h).put((byte) 0).putLong(tsNanos ^ Long.MIN_VALUE).put(o);
        return Bytes.wrap(b.array());
    }

    /** The first key of {@code host}'s range. */
    static Bytes from(String host) {
        return bound(host, (byte) 0);
    }

    /** Past the last key of {@code host}'s range (exclusive, as the store's range() is inclusive: nothing equals it). */
    static Bytes to(String host) {
        return bound(host, (byte) 1);
    }

    /** The host a key belongs to. */
    static String hostOf(Bytes key) {
        byte[] k = key.get();
        int i = 0;
        while (i < k.length && k[i] != 0) {
            i++;
        }
        return new String(k, 0, i, StandardCharsets.UTF_8);
    }

    /** The event time a key holds. */
    static long tsOf(Bytes key, String host) {
        int at = host.getBytes(StandardCharsets.UTF_8).length + 1;
        return ByteBuffer.wrap(key.get(), at, 8).getLong() ^ Long.MIN_VALUE;
    }

    private static Bytes bound(String host, byte sep) {
        byte[] h = host.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[h.length + 1];
        System.arraycopy(h, 0, out, 0, h.length);
        out[h.length] = sep;
        return Bytes.wrap(out);
    }
}
