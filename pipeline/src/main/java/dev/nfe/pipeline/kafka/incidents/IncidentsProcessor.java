package dev.nfe.pipeline.kafka.incidents;

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
import java.util.List;

/**
 * The incidents of one observations partition (all observations of a server host are on one,
 * by key). Each observation is stored under its host and marks the host dirty; a wall-clock
 * punctuator (about every commit) recomputes the dirty hosts from all their observations and
 * publishes one record per host holding its whole current list, when the list changed. Another
 * (every minute) marks hosts whose open incidents are due to close, or whose oldest observations
 * have passed the retention. When an input has ended on every segments partition, every host is
 * recomputed with the end of that input as the end of what was seen.
 */
final class IncidentsProcessor implements Processor<byte[], byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentsProcessor.class);
    static final Duration SWEEP = Duration.ofSeconds(60);

    private final IncidentsOptions options;
    private final IncidentCounters counters;
    private ProcessorContext<String, byte[]> context;
    private IncidentStores stores;

    IncidentsProcessor(IncidentsOptions options, IncidentCounters counters) {
        this.options = options;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.stores = new IncidentStores(context);
        context.schedule(Duration.ofMillis(options.commitIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                t -> recomputeDirty());
        context.schedule(SWEEP, PunctuationType.WALL_CLOCK_TIME, t -> sweep());
    }

    @Override
    public void process(Record<byte[], byte[]> r) {
        byte[] v = r.value();
        try {
            if (AvroValues.isObservation(v)) {
                observation(ObservationAvro.fromAvro(AvroValues.decodeObservation(v)), v);
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
        stores.advanceClock(o.tsNanos());
        if (o.tsNanos() < horizon(stores.clock())) {
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
        Long kept = stores.counts.get(o.host());
        long n = kept == null ? 0 : kept;
        if (n >= options.maxPerHost()) {
            evictOldest(o.host());
            n--;
            if (counters.hostCapEvicted.incrementAndGet() == 1) {
                LOG.warn("server host {} has {} observations kept: its oldest go (its incidents lose their start)",
                        o.host(), options.maxPerHost());
            }
        } else if (stores.total() >= options.maxPerPartition()) {
            if (counters.partitionFull.incrementAndGet() == 1) {
                LOG.warn("an observations partition has {} observations kept: new ones are left out until the"
                        + " retention frees room", options.maxPerPartition());
            }
            return;
        } else {
            stores.addTotal(1);
        }
        stores.observations.put(key, encoded);
        stores.counts.put(o.host(), n + 1);
        stores.dirty.put(o.host(), IncidentStores.MARK);
    }

    private void evictOldest(String host) {
        try (KeyValueIterator<Bytes, byte[]> it = stores.observations.range(ObservationKeys.from(host),
                ObservationKeys.to(host))) {
            if (it.hasNext()) {
                stores.observations.delete(it.next().key);
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
            stores.advanceClock(e.getEventTsNanos());
            // the end of what was seen moved: every host's states are measured again
            List<String> hosts = new ArrayList<>();
            try (KeyValueIterator<String, Long> it = stores.counts.all()) {
                it.forEachRemaining(kv -> hosts.add(kv.key));
            }
            hosts.forEach(h -> stores.dirty.put(h, IncidentStores.MARK));
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
        for (String h : hosts) {
            recompute(h);
            stores.dirty.delete(h);
        }
    }

    private void recompute(String host) {
        counters.recomputed.incrementAndGet();
        List<Observation> obs = load(host);
        long clock = stores.clock();
        long horizon = horizon(clock);
        long forceBefore = horizon == Long.MIN_VALUE ? Long.MIN_VALUE : horizon - options.retentionNanos();
        HostRecompute.Result res = HostRecompute.run(obs, clock, horizon, forceBefore, options.engine());
        List<Incident> sealed = HostRecords.incidents(stores.sealed.get(host));
        if (res.sealIndex() > 0) {
            for (Observation o : obs.subList(0, res.sealIndex())) {
                stores.observations.delete(ObservationKeys.key(o.host(), o.tsNanos(), o.order()));
            }
            long left = obs.size() - res.sealIndex();
            if (left == 0) {
                stores.counts.delete(host);
            } else {
                stores.counts.put(host, left);
            }
            stores.addTotal(-res.sealIndex());
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
        long clock = stores.clock();
        long horizon = horizon(clock);
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = stores.counts.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                byte[] p = stores.published.get(kv.key);
                if (p != null && ByteBuffer.wrap(p).getLong() < clock) {
                    due.add(kv.key);
                } else if (oldest(kv.key) < horizon) {
                    due.add(kv.key);
                }
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

    private List<Observation> load(String host) {
        List<Observation> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = stores.observations.range(ObservationKeys.from(host),
                ObservationKeys.to(host))) {
            while (it.hasNext()) {
                try {
                    out.add(ObservationAvro.fromAvro(AvroValues.decodeObservation(it.next().value)));
                } catch (BadRecordException e) {
                    counters.undecodable.incrementAndGet(); // it was decoded once already: cannot happen
                }
            }
        }
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
