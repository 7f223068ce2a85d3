package dev.nfe.pipeline.kafka.incidents;

import dev.nfe.dissect.incident.FeatureInterner;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Observation;
import dev.nfe.pipeline.kafka.codec.AvroValues;
import dev.nfe.pipeline.kafka.codec.BadRecordException;
import dev.nfe.pipeline.kafka.codec.ObservationAvro;
import dev.nfe.schema.v1.SourceEnd;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The incidents of one observations partition (all observations of a server host are on one,
 * by key). Each observation is stored under its host and marks the host dirty; a wall-clock
 * punctuator (about every commit) recomputes the dirty hosts from all their observations and
 * publishes one record per host holding its whole current list, when the list changed. Another
 * (every minute) marks hosts whose open incidents are due to close, or whose oldest observations
 * have passed the retention. When an input has ended on every segments partition, every host is
 * recomputed with the end of that input as the end of what was seen.
 *
 * <p>A recompute folds all of a host's observations, so a busy host is recomputed at most every
 * {@link #RECOMPUTE_EVERY_MS} (or commit interval, if longer), and its observations are kept decoded
 * in memory between recomputes (rebuilt from the store after a restart), so that each is decoded once.
 */
final class IncidentsProcessor implements Processor<byte[], byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentsProcessor.class);
    static final Duration SWEEP = Duration.ofSeconds(60);
    static final long RECOMPUTE_EVERY_MS = 2_000;
    /** Distinct hello features shared by the decoded observations (a cache; beyond it, features are only not shared). */
    static final int FEATURES_SHARED = 65_536;

    private final IncidentsOptions options;
    private final IncidentCounters counters;
    private ProcessorContext<String, byte[]> context;
    private IncidentStores stores;
    /** Per host, its stored observations decoded, by store key; a host is here once it was recomputed. */
    private final Map<String, NavigableMap<Bytes, Observation>> decoded = new HashMap<>();
    /** Per host, when it was last recomputed (wall clock); not kept over a restart, which recomputes all. */
    private final Map<String, Long> recomputedAt = new HashMap<>();
    /**
     * Per host, its observations in the store; and the partition's event-time clock. Both are
     * derived from the stores at init (so they cost no changelog write per observation); the
     * clock is also kept in the meta store at each punctuation, for the input ends that move it.
     */
    private final Map<String, Long> counts = new HashMap<>();
    /**
     * The decoded observations kept per host share their features: ~50 references each instead
     * of ~50 features and ~100 strings (IncidentAvroTest counts them).
     */
    private final FeatureInterner features = new FeatureInterner(FEATURES_SHARED);
    private long total;
    private long clock;
    private long persistedClock;

    IncidentsProcessor(IncidentsOptions options, IncidentCounters counters) {
        this.options = options;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.stores = new IncidentStores(context);
        decoded.clear(); // a task revived after a failure starts from its restored stores
        recomputedAt.clear();
        counts.clear();
        total = 0;
        clock = stores.clock();
        try (KeyValueIterator<Bytes, byte[]> it = stores.observations.all()) {
            while (it.hasNext()) {
                Bytes key = it.next().key;
                String host = ObservationKeys.hostOf(key);
                counts.merge(host, 1L, Long::sum);
                total++;
                clock = Math.max(clock, ObservationKeys.tsOf(key, host));
            }
        }
        persistedClock = clock;
        context.schedule(Duration.ofMillis(options.commitIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                t -> recomputeDirty());
        context.schedule(SWEEP, PunctuationType.WALL_CLOCK_TIME, t -> sweep());
    }

    @Override
    public void process(Record<byte[], byte[]> r) {
        byte[] v = r.value();
        try {
            if (AvroValues.isObservation(v)) {
                observation(ObservationAvro.fromAvro(AvroValues.decodeObservation(v), features::intern), v);
            } else {
                sourceEnd(AvroValues.decodeSourceEnd(v));
            }
        } catch (BadRecordException e) {
            if (counters.undecodable.incrementAndGet() <= 10) {
                LOG.warn("observations partition {}: skipped a record: {}", context.recordMetadata()
                        .map(m -> m.partition() + "@" + m.offset()).orElse("?"), e.getMessage());
            }
        }
    }

    private void observation(Observation o, byte[] encoded) {
        counters.observations.incrementAndGet();
        clock = Math.max(clock, o.tsNanos());
        if (o.tsNanos() < horizon(clock)) {
            if (counters.tooLate.incrementAndGet() <= 10) {
                LOG.warn("an observation of {} at {} came after the incident retention had passed it (from {}):"
                        + " left out", o.host(), o.tsNanos(), o.capture());
            }
            return;
        }
        Bytes key = ObservationKeys.key(o.host(), o.tsNanos(), o.order());
        if (stores.observations.get(key) != null) {
            return; // the same observation again: it is one
        }
        Long kept = counts.get(o.host());
        long n = kept == null ? 0 : kept;
        if (n >= options.maxPerHost()) {
            evictOldest(o.host());
            n--;
            if (counters.hostCapEvicted.incrementAndGet() == 1) {
                LOG.warn("server host {} has {} observations kept: its oldest go (its incidents lose their start)",
                        o.host(), options.maxPerHost());
            }
        } else if (total >= options.maxPerPartition()) {
            if (counters.partitionFull.incrementAndGet() == 1) {
                LOG.warn("an observations partition has {} observations kept: new ones are left out until the"
                        + " retention frees room", options.maxPerPartition());
            }
            return;
        } else {
            total++;
        }
        stores.observations.put(key, encoded);
        NavigableMap<Bytes, Observation> cached = decoded.get(o.host());
        if (cached != null) {
            cached.put(key, o);
        }
        counts.put(o.host(), n + 1);
        if (stores.dirty.get(o.host()) == null) {
            stores.dirty.put(o.host(), IncidentStores.MARK);
        }
    }

    private void evictOldest(String host) {
        try (KeyValueIterator<Bytes, byte[]> it = stores.observations.range(ObservationKeys.from(host),
                ObservationKeys.to(host))) {
            if (it.hasNext()) {
                Bytes key = it.next().key;
                stores.observations.delete(key);
                NavigableMap<Bytes, Observation> cached = decoded.get(host);
                if (cached != null) {
                    cached.remove(key);
                }
            }
        }
    }

    private void sourceEnd(SourceEnd e) {
        counters.sourceEnds.incrementAndGet();
        Boolean complete = stores.sourceEnded(e, options.maxSources());
        if (complete == null) {
            if (counters.sourcesDropped.incrementAndGet() <= 10) {
                LOG.warn("{} inputs are awaited already: the end of {} is not", options.maxSources(), e.getSource());
            }
            return;
        }
        if (complete) {
            counters.sourcesCompleted.incrementAndGet();
            clock = Math.max(clock, e.getEventTsNanos());
            persistClock();
            // the end of what was seen moved: every host's states are measured again
            counts.keySet().forEach(h -> stores.dirty.put(h, IncidentStores.MARK));
        }
    }

    private void persistClock() {
        if (clock != persistedClock) {
            stores.setClock(clock);
            persistedClock = clock;
        }
    }

    private long horizon(long clock) {
        return clock == Long.MIN_VALUE ? Long.MIN_VALUE : clock - options.retentionNanos();
    }

    private void recomputeDirty() {
        List<String> hosts = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = stores.dirty.all()) {
            it.forEachRemaining(kv -> hosts.add(kv.key));
        }
        persistClock();
        long now = context.currentSystemTimeMs();
        long every = Math.max(RECOMPUTE_EVERY_MS, options.commitIntervalMs());
        for (String h : hosts) {
            Long last = recomputedAt.get(h);
            if (last != null && now - last < every) {
                continue; // still dirty: its turn comes
            }
            recomputedAt.put(h, now);
            recompute(h);
            stores.dirty.delete(h);
        }
    }

    private void recompute(String host) {
        counters.recomputed.incrementAndGet();
        List<Observation> obs = load(host);
        long horizon = horizon(clock);
        long forceBefore = horizon == Long.MIN_VALUE ? Long.MIN_VALUE : horizon - options.retentionNanos();
        HostRecompute.Result res = HostRecompute.run(obs, clock, horizon, forceBefore, options.engine());
        List<Incident> sealed = HostRecords.incidents(stores.sealed.get(host));
        if (res.sealIndex() > 0) {
            NavigableMap<Bytes, Observation> cached = decoded.get(host);
            for (Observation o : obs.subList(0, res.sealIndex())) {
                Bytes key = ObservationKeys.key(o.host(), o.tsNanos(), o.order());
                stores.observations.delete(key);
                cached.remove(key);
            }
            long left = obs.size() - res.sealIndex();
            if (left == 0) {
                counts.remove(host);
                decoded.remove(host);
                recomputedAt.remove(host);
            } else {
                counts.put(host, left);
            }
            total -= res.sealIndex();
            counters.sealed.addAndGet(res.sealIndex());
            if (res.forced() && counters.forcedCuts.incrementAndGet() <= 10) {
                LOG.warn("server host {}: a fault that never paused for {} s outlasted the retention: its incident"
                        + " is cut", host, options.engine().gapNanos() / 1_000_000_000L);
            }
            sealed = new ArrayList<>(sealed);
            sealed.addAll(res.sealed());
            sealed.sort(HostRecompute.FIRST_FIRST);
            sealed = HostRecords.newest(sealed, options.maxIncidentsPerHost());
            stores.sealed.put(host, HostRecords.encode(host, 0, 0, sealed));
        }
        List<Incident> all = new ArrayList<>(sealed);
        all.addAll(res.live());
        all.sort(HostRecompute.FIRST_FIRST);
        List<Incident> shown = HostRecords.newest(all, options.maxIncidentsPerHost());
        long dropped = all.size() - shown.size();
        counters.incidentsDropped.addAndGet(dropped);
        publish(host, shown, dropped, clock);
    }

    /** Publishes the host's record when its incidents changed (a tombstone when it has none left). */
    private void publish(String host, List<Incident> incidents, long dropped, long clock) {
        byte[] prev = stores.published.get(host);
        if (incidents.isEmpty()) {
            if (prev != null) {
                stores.published.delete(host);
                context.forward(new Record<>(host, null, context.currentSystemTimeMs()));
                counters.published.incrementAndGet();
            }
            return;
        }
        byte[] digest = digest(HostRecords.encode(host, 0, dropped, incidents));
        if (prev != null && Arrays.equals(digest, Arrays.copyOfRange(prev, 8, prev.length))) {
            return;
        }
        stores.published.put(host, ByteBuffer.allocate(8 + digest.length).putLong(closeBy(incidents))
                .put(digest).array());
        context.forward(new Record<>(host, HostRecords.encode(host, clock, dropped, incidents),
                context.currentSystemTimeMs()));
        counters.published.incrementAndGet();
    }

    /** When the first open incident would close for quiet, if nothing else happened (event time). */
    private long closeBy(List<Incident> incidents) {
        long at = Long.MAX_VALUE;
        for (Incident i : incidents) {
            if (i.state() == Incident.State.OPEN) {
                long quiet = options.engine().gapNanos();
                if (i.recurrence() != null) {
                    quiet = Math.min(quiet, (long) (4 * i.recurrence().periodS() * 1e9));
                }
                at = Math.min(at, i.lastTsNanos() + quiet);
            }
        }
        return at;
    }

    /** Hosts whose open incidents are due to close, or whose oldest observations passed the retention. */
    private void sweep() {
        long horizon = horizon(clock);
        List<String> due = new ArrayList<>();
        for (String host : counts.keySet()) {
            byte[] p = stores.published.get(host);
            if (p != null && ByteBuffer.wrap(p).getLong() < clock) {
                due.add(host);
            } else if (oldest(host) < horizon) {
                due.add(host);
            }
        }
        due.forEach(h -> stores.dirty.put(h, IncidentStores.MARK));
        IncidentsApp.logCounters(counters);
    }

    private long oldest(String host) {
        try (KeyValueIterator<Bytes, byte[]> it = stores.observations.range(ObservationKeys.from(host),
                ObservationKeys.to(host))) {
            return it.hasNext() ? ObservationKeys.tsOf(it.next().key, host) : Long.MAX_VALUE;
        }
    }

    /** The host's observations in event-time order, decoded from the store once. */
    private List<Observation> load(String host) {
        NavigableMap<Bytes, Observation> cached = decoded.get(host);
        if (cached == null) {
            cached = new TreeMap<>();
            try (KeyValueIterator<Bytes, byte[]> it = stores.observations.range(ObservationKeys.from(host),
                    ObservationKeys.to(host))) {
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> kv = it.next();
                    try {
                        cached.put(kv.key, ObservationAvro.fromAvro(AvroValues.decodeObservation(kv.value), features::intern));
                    } catch (BadRecordException e) {
                        counters.undecodable.incrementAndGet(); // it was decoded once already: cannot happen
                    }
                }
            }
            decoded.put(host, cached);
        }
        List<Observation> out = new ArrayList<>(cached.values());
        out.sort(HostRecompute.EVENT_TIME);
        return out;
    }

    private static byte[] digest(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
