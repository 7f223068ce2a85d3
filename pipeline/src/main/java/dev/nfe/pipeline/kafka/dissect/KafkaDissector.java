package dev.nfe.pipeline.kafka.dissect;

import dev.nfe.pipeline.kafka.KafkaClientMetricsBinding;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.metrics.NfeMetrics;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code nfe dissect --kafka}: one member of the dissector consumer group. Reads segments,
 * keeps one {@link PartitionWork} per assigned partition, and writes sessions, findings and dead
 * letters in Kafka transactions together with the consumed offsets, so that results and
 * progress are committed together or not at all (exactly once). See {@link PartitionWork} for
 * how a successor rebuilds open flows without publishing anything twice.
 *
 * <p>Single-threaded: the poll loop does everything; {@link #stop} may be called from any thread,
 * and {@link #stats} read from any: the loop publishes an immutable snapshot after every poll, and
 * the metrics read that, never the dissectors' state.
 */
public final class KafkaDissector implements ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaDissector.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long STATS_EVERY_MS = 30_000;

    private final KafkaSettings settings;
    private final DissectOptions options;
    private final PartitionCounters counters = new PartitionCounters();
    private final Map<TopicPartition, PartitionWork> works = new HashMap<>();
    private final DeadLetters deadLetters = new DeadLetterTopic();
    private TopicSink results;
    private final NfeMetrics metrics;
    private final CommittedResults committed;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private volatile boolean stopping;
    private boolean inTransaction;
    private long transactionStart;
    private boolean restoreNeeded;
    private long commits;
    private long aborts;
    /** For monitoring and tests, read from other threads. */
    private volatile int assigned;
    private volatile DissectStats stats = DissectStats.NONE;

    public KafkaDissector(KafkaSettings settings, DissectOptions options) {
        this(settings, options, null);
    }

    /**
     * @param metrics where this instance's counters, its results by outcome and its Kafka clients'
     *                own metrics are published; null for none
     */
    public KafkaDissector(KafkaSettings settings, DissectOptions options, NfeMetrics metrics) {
        this.settings = settings;
        this.options = options;
        this.metrics = metrics;
        this.committed = new CommittedResults(metrics);
        if (metrics != null) {
            register(metrics);
        }
    }

    /** Every value read from the published snapshot (or a volatile), so the HTTP thread may read it. */
    private void register(NfeMetrics m) {
        m.functionCounter("nfe_records", "records read from the segments topic (rebuilds after a takeover included)",
                () -> stats.records());
        m.functionCounter("nfe_segments", "TCP segments read from the segments topic", () -> stats.segments());
        m.functionCounter("nfe_markers", "agent heartbeats and end-of-input markers read", () -> stats.markers());
        m.functionCounter("nfe_dead_letters", "records copied to the dead-letter topic (committed)",
                () -> stats.deadLetters());
        m.functionCounter("nfe_internal_errors", "records that met a bug of nfe's (dead-lettered too)",
                () -> stats.internalErrors());
        m.functionCounter("nfe_transactions", "Kafka transactions of results and offsets", () -> stats.commits(),
                "result", "committed");
        m.functionCounter("nfe_transactions", "Kafka transactions of results and offsets", () -> stats.aborts(),
                "result", "aborted");
        m.gauge("nfe_open_flows", "connections followed now over the owned partitions", () -> stats.openFlows());
        m.gauge("nfe_partitions", "segments partitions owned now", () -> assigned);
    }

    Properties consumerConfig() {
        Properties defaults = new Properties();
        defaults.put("max.poll.records", "20000");
        defaults.put("max.partition.fetch.bytes", Integer.toString(8 << 20));
        defaults.put("fetch.min.bytes", Integer.toString(256 * 1024));
        defaults.put("fetch.max.wait.ms", "100");
        defaults.put("client.id", "nfe-dissect-" + options.instanceId());
        Properties pinned = new Properties();
        pinned.put("group.id", options.group());
        // static membership: a restarted instance takes its partitions back without a rebalance
        pinned.put("group.instance.id", options.instanceId());
        pinned.put("enable.auto.commit", "false");
        pinned.put("auto.offset.reset", "earliest");
        pinned.put("isolation.level", "read_committed");
        pinned.put("key.deserializer", ByteArrayDeserializer.class.getName());
        pinned.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return settings.merge(defaults, pinned);
    }

    Properties producerConfig() {
        Properties defaults = new Properties();
        defaults.put("compression.type", "lz4");
        defaults.put("batch.size", Integer.toString(256 * 1024));
        defaults.put("linger.ms", "5");
        defaults.put("transaction.timeout.ms", "60000");
        defaults.put("client.id", "nfe-dissect-" + options.instanceId() + "-out");
        Properties pinned = new Properties();
        pinned.put("transactional.id", options.transactionalId());
        pinned.put("enable.idempotence", "true");
        pinned.put("acks", "all");
        pinned.put("key.serializer", ByteArraySerializer.class.getName());
        pinned.put("value.serializer", ByteArraySerializer.class.getName());
        return settings.merge(defaults, pinned);
    }

    /** Runs until {@link #stop}; returns 0, or 4 when another instance took this one's identity. */
    public int run() {
        consumer = new KafkaConsumer<>(consumerConfig());
        producer = new KafkaProducer<>(producerConfig());
        results = new TopicSink(producer, settings.topics(), committed,
                options.observations() ? producer.partitionsFor(settings.topics().observations()).size() : 0);
        if (metrics != null) {
            KafkaClientMetricsBinding.bind(metrics, consumer);
            KafkaClientMetricsBinding.bind(metrics, producer);
        }
        int exit = 0;
        try {
            // aborts whatever a previous run with this identity left open, and fences it
            producer.initTransactions();
            consumer.subscribe(List.of(settings.topics().segments()), this);
            long nextStats = System.currentTimeMillis() + STATS_EVERY_MS;
            while (!stopping) {
                try {
                    pollOnce();
                } catch (ProducerFencedException | FencedInstanceIdException e) {
                    LOG.error("another dissector took over {} (give every instance its own --instance-id): {}",
                            options.transactionalId(), e.toString());
                    exit = 4;
                    break;
                } catch (WakeupException e) {
                    // stop() woke the poll up
                } catch (KafkaException e) {
                    LOG.warn("transaction failed, rebuilding from the last commit: {}", e.toString());
                    abortQuietly();
                    restoreNeeded = true;
                }
                if (restoreNeeded && !stopping) {
                    restoreAll();
                }
                publishStats();
                long now = System.currentTimeMillis();
                if (now >= nextStats) {
                    logStats();
                    nextStats = now + STATS_EVERY_MS;
                }
            }
            if (exit == 0 && inTransaction) {
                commit();
            }
        } catch (ProducerFencedException | FencedInstanceIdException e) {
            LOG.error("another dissector took over {}: {}", options.transactionalId(), e.toString());
            exit = 4;
        } finally {
            publishStats();
            logStats();
            closeQuietly();
        }
        return exit;
    }

    /** Records this instance has processed (rebuilds included), as of the last poll. */
    public long recordsProcessed() {
        return stats.records();
    }

    /** What this instance has done, as of its last poll. Any thread. */
    public DissectStats stats() {
        return stats;
    }

    /** Segments partitions this instance owns now. */
    public int assignedPartitions() {
        return assigned;
    }

    /** Asks the loop to commit what it has and return. */
    public void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void pollOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        if (!records.isEmpty()) {
            begin();
            for (TopicPartition tp : records.partitions()) {
                PartitionWork w = works.get(tp);
                if (w == null) {
                    continue; // lost in this very poll; its records go to its next owner
                }
                for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                    w.process(r);
                }
            }
        }
        // commit every interval under load, and at once when the input has gone quiet (a poll that
        // waited POLL for nothing): results do not wait out the interval when no more are coming
        if (inTransaction && (records.isEmpty()
                || System.currentTimeMillis() - transactionStart >= options.commitIntervalMs())) {
            commit();
        }
    }

    private void begin() {
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
            transactionStart = System.currentTimeMillis();
        }
    }

    /** Commits results and, for every partition, the offset its oldest open flow needs. */
    private void commit() {
        results.flushObservation();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, PartitionWork> e : works.entrySet()) {
            ResumePoint p = e.getValue().resumePoint();
            if (p != null) {
                offsets.put(e.getKey(), new OffsetAndMetadata(p.commitOffset(), p.metadata()));
            }
        }
        if (!offsets.isEmpty()) {
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        }
        while (true) {
            try {
                producer.commitTransaction();
                break;
            } catch (TimeoutException e) {
                // the broker is away: the transaction stays open and the commit can be retried
                LOG.warn("commit timed out, retrying: {}", e.getMessage());
                if (stopping) {
                    throw e;
                }
            }
        }
        inTransaction = false;
        commits++;
        committed.committed();
    }

    private void abortQuietly() {
        if (!inTransaction) {
            return;
        }
        inTransaction = false;
        aborts++;
        results.discardPending();
        committed.aborted();
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            LOG.warn("abort failed: {}", e.toString());
        }
    }

    /** After an aborted transaction: forget all state, go back to what was committed. */
    private void restoreAll() {
        restoreNeeded = false;
        works.clear();
        assign(consumer.assignment());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        assign(partitions);
    }

    private void assign(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        int segmentPartitions = consumer.partitionsFor(settings.topics().segments()).size();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata om = committed.get(tp);
            ResumePoint resume;
            if (om == null) {
                long start = consumer.beginningOffsets(List.of(tp)).get(tp);
                consumer.seek(tp, start);
                resume = new ResumePoint(start, start);
            } else {
                consumer.seek(tp, om.offset());
                resume = new ResumePoint(om.offset(), ResumePoint.processedUntil(om.metadata(), om.offset()));
            }
            works.put(tp, new PartitionWork(options.dissector(), resume, counters, results, deadLetters, tp.partition(),
                    segmentPartitions));
            assigned = works.size();
            LOG.info("{}: resuming at offset {}, results published from offset {}", tp, resume.commitOffset(),
                    resume.processedUntil());
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // hand over cleanly: what was processed is committed, with each partition's resume point
        if (inTransaction) {
            commit();
        }
        partitions.forEach(works::remove);
        assigned = works.size();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // another member owns them already: nothing of theirs may be committed by us
        partitions.forEach(works::remove);
        assigned = works.size();
        if (inTransaction) {
            abortQuietly();
            restoreNeeded = true;
        }
    }

    /** On the poll thread: a new snapshot for other threads. */
    private void publishStats() {
        int open = 0;
        for (PartitionWork w : works.values()) {
            open += w.openFlows();
        }
        PartitionCounters c = counters;
        stats = new DissectStats(c.records, c.segments, c.markers, committed.deadLetters(), c.internalErrors,
                c.replayed, commits, aborts, open, works.size());
    }

    private void logStats() {
        PartitionCounters c = counters;
        DissectStats s = stats;
        LOG.info("records {} (segments {}, markers {}), sessions {}, findings {}, observations {}, dead letters {},"
                        + " internal errors {},"
                        + " replayed {} (skipped {}, results suppressed {}), open flows {}, partitions {}, commits {},"
                        + " aborts {}", c.records, c.segments, c.markers, c.sessions, c.findings, committed.observations(), c.deadLettered,
                c.internalErrors, c.replayed, c.replaySkipped, c.resultsSuppressed, s.openFlows(), s.partitions(),
                commits, aborts);
    }

    private void closeQuietly() {
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
        } catch (RuntimeException e) {
            LOG.warn("closing the consumer: {}", e.toString());
        }
        try {
            producer.close(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warn("closing the producer: {}", e.toString());
        }
    }

    /** Records that cannot be processed, copied to the dead-letter topic in the open transaction. */
    private final class DeadLetterTopic implements DeadLetters {
        @Override
        public void deadLetter(ConsumerRecord<byte[], byte[]> r, String why) {
            counters.deadLettered++;
            committed.deadLetter();
            RecordHeaders h = new RecordHeaders();
            h.add("nfe.error", why.getBytes(StandardCharsets.UTF_8));
            h.add("nfe.source", (r.topic() + "/" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(settings.topics().deadLetters(), null, r.key(), r.value(), h));
            if (counters.deadLettered <= 10) {
                LOG.warn("{}-{}@{}: {} (copied to {})", r.topic(), r.partition(), r.offset(), why,
                        settings.topics().deadLetters());
            }
        }
    }
}
