package dev.nfe.pipeline.kafka.incidents;

import dev.nfe.schema.v1.SourceEnd;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;

/**
 * The state of one observations partition, in changelogged in-memory stores (so a successor
 * restores exactly what was committed, and everything commits with the input offsets and the
 * published host records in one transaction):
 * <ul>
 *   <li>{@code observations}: the observations ({@link ObservationKeys}: per host, in event-time order);</li>
 *   <li>{@code dirty-hosts}: hosts to recompute at the next punctuation (a store, not a set in
 *       memory: a crash between the commit of an observation and the recompute must not lose it);</li>
 *   <li>{@code sealed-incidents}: the final incidents of observations already dropped (a HostIncidents record);</li>
 *   <li>{@code published}: per host, what was last published (a digest) and when its open incidents would close;</li>
 *   <li>{@code meta}: the partition's event-time clock (as of the last punctuation or input end; the
 *       observations' own times make up the rest at a restart), and the inputs whose end is awaited.</li>
 * </ul>
 */
final class IncidentStores {
    static final String OBSERVATIONS = "observations";
    static final String DIRTY = "dirty-hosts";
    static final String SEALED = "sealed-incidents";
    static final String PUBLISHED = "published";
    static final String META = "meta";
    static final byte[] MARK = new byte[0];
    private static final String CLOCK = "clock";
    private static final String SOURCE = "source:";
    private static final String SOURCES = "sources";

    final KeyValueStore<Bytes, byte[]> observations;
    final KeyValueStore<String, byte[]> dirty;
    final KeyValueStore<String, byte[]> sealed;
    final KeyValueStore<String, byte[]> published;
    final KeyValueStore<String, byte[]> meta;

    IncidentStores(ProcessorContext<?, ?> context) {
        observations = context.getStateStore(OBSERVATIONS);
        dirty = context.getStateStore(DIRTY);
        sealed = context.getStateStore(SEALED);
        published = context.getStateStore(PUBLISHED);
        meta = context.getStateStore(META);
    }

    static List<StoreBuilder<?>> builders() {
        return List.of(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(OBSERVATIONS), Serdes.Bytes(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DIRTY), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SEALED), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PUBLISHED), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(META), Serdes.String(), Serdes.ByteArray()));
    }

    static String[] names() {
        return new String[] {OBSERVATIONS, DIRTY, SEALED, PUBLISHED, META};
    }

    /** The partition's event time: the latest observation or finished input's end seen. */
    long clock() {
        return longOf(CLOCK, Long.MIN_VALUE);
    }

    void setClock(long ts) {
        meta.put(CLOCK, bytes(ts));
    }

    /**
     * One segments partition's end of an input: returns true when that was the last one awaited
     * (every partition has ended it), false while some are missing, and null when it cannot be
     * awaited (too many inputs at once).
     */
    Boolean sourceEnded(SourceEnd e, int maxSources) {
        String key = SOURCE + e.getAgent() + '\0' + e.getSource();
        byte[] v = meta.get(key);
        int n = Math.max(1, e.getSegmentsPartitions());
        BitSet seen = v == null ? new BitSet(n) : BitSet.valueOf(ByteBuffer.wrap(v, 4, v.length - 4));
        if (v == null) {
            long awaited = longOf(SOURCES, 0);
            if (awaited >= maxSources) {
                return null;
            }
            meta.put(SOURCES, bytes(awaited + 1));
        }
        if (e.getSegmentsPartition() >= 0 && e.getSegmentsPartition() < n) {
            seen.set(e.getSegmentsPartition());
        }
        if (seen.cardinality() >= n) {
            meta.delete(key);
            meta.put(SOURCES, bytes(longOf(SOURCES, 1) - 1));
            return true;
        }
        byte[] bits = seen.toByteArray();
        meta.put(key, ByteBuffer.allocate(4 + bits.length).putInt(n).put(bits).array());
        return false;
    }

    private long longOf(String key, long absent) {
        byte[] v = meta.get(key);
        return v == null ? absent : ByteBuffer.wrap(v).getLong();
    }

    static byte[] bytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
