package dev.nfe.dissect.flow;

import dev.nfe.capture.Endpoint;
import dev.nfe.capture.TcpSegment;

/**
 * The canonical key of a TCP flow: both directions map to the same key (lower endpoint first).
 * The same key partitions flows across worker threads and, later, Kafka partitions.
 */
public record FlowKey(Endpoint low, Endpoint high) {

    public static FlowKey of(Endpoint a, Endpoint b) {
        return a.compareTo(b) <= 0 ? new FlowKey(a, b) : new FlowKey(b, a);
    }

    public static FlowKey of(TcpSegment s) {
        return of(s.src(), s.dst());
    }

    /**
     * A well-mixed hash of the key, stable across runs and JVMs (it depends only on the
     * addresses and ports), used to pick a shard: {@code Math.floorMod(shardHash(), n)}.
     */
    public int shardHash() {
        return shardHash(low, high);
    }

    /**
     * {@link #shardHash()} of the flow between {@code a} and {@code b}, in either order, without
     * building the key (the reader calls this once per packet). Symmetric by construction: the
     * two endpoint hashes are combined with addition.
     */
    public static int shardHash(Endpoint a, Endpoint b) {
        long h = endpointHash(a) + endpointHash(b);
        h = mix(h);
        return (int) (h ^ (h >>> 32));
    }

    private static long endpointHash(Endpoint e) {
        return mix(mix(e.ip().hi()) ^ mix(e.ip().lo() + 1) ^ ((long) e.port() << 1) ^ (e.ip().v6() ? 0x5bd1e995L : 0));
    }

    private static long mix(long z) {
        // SplitMix64 finaliser: cheap and spreads low-entropy inputs (ports, 127.0.0.x) well
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    // written out for the same reason as Endpoint's: one lookup per packet
    @Override
    public boolean equals(Object o) {
        return o instanceof FlowKey k && k.low.equals(low) && k.high.equals(high);
    }

    @Override
    public int hashCode() {
        return low.hashCode() * 31 + high.hashCode();
    }

    @Override
    public String toString() {
        return low + " <-> " + high;
    }
}
