package dev.nfe.pipeline.kafka.findings;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.codec.AvroValues;
import dev.nfe.pipeline.kafka.codec.BadRecordException;
import dev.nfe.pipeline.kafka.codec.FindingAvro;
import dev.nfe.pipeline.kafka.codec.IncidentAvro;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the findings topic, and the incidents topic when asked, without a consumer group
 * (nothing is committed: reading is side-effect free) and with {@code read_committed}, so only
 * results of committed transactions are seen. Without follow it stops at the end the topics had
 * when it started. The incidents topic holds one record per server host, the latest of which is
 * the truth: it is read from its beginning, and each host record is handed over as it comes.
 */
public final class FindingsReader {
    private static final Logger LOG = LoggerFactory.getLogger(FindingsReader.class);
    /**
     * Seeking by record time (when the dissector wrote) to the --since event time is safe because
     * a finding is always written after it happened; this margin covers clock skew between hosts.
     */
    static final long SEEK_MARGIN_MS = 3_600_000;

    /** Receives findings in topic order (per partition). */
    public interface Handler {
        void finding(Finding f) throws java.io.IOException;

        /**
         * A host's incidents as they stand now (replacing what came for that host before; empty:
         * the host has none left). Only when incidents are read.
         */
        default void hostIncidents(String host, List<Incident> incidents) throws java.io.IOException {
        }
    }

    private final KafkaSettings settings;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean stopping;
    private long undecodable;
    private long undecodableIncidents;

    public FindingsReader(KafkaSettings settings) {
        this.settings = settings;
    }

    Properties consumerConfig() {
        Properties defaults = new Properties();
        defaults.put("client.id", "nfe-findings");
        Properties pinned = new Properties();
        pinned.put("enable.auto.commit", "false");
        pinned.put("isolation.level", "read_committed");
        pinned.put("key.deserializer", ByteArrayDeserializer.class.getName());
        pinned.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return settings.merge(defaults, pinned);
    }

    /** Findings only; see {@link #read(FindingFilter, boolean, boolean, Handler)}. */
    public long read(FindingFilter filter, boolean follow, Handler handler) throws java.io.IOException {
        return read(filter, follow, false, handler);
    }

    /** Returns the number of findings handed over; a cluster that cannot be read is an IOException. */
    public long read(FindingFilter filter, boolean follow, boolean incidents, Handler handler)
            throws java.io.IOException {
        long handed = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig())) {
            consumer = c;
            String topic = settings.topics().findings();
            List<TopicPartition> parts = partitions(c, topic);
            List<TopicPartition> incidentParts = incidents ? incidentPartitions(c) : List.of();
            List<TopicPartition> all = new ArrayList<>(parts);
            all.addAll(incidentParts);
            c.assign(all);
            seek(c, parts, filter.sinceNanos());
            // compacted and small: the latest record of every host is somewhere from the beginning
            c.seekToBeginning(incidentParts);
            // read_committed: the end offsets are the last stable offsets
            Map<TopicPartition, Long> end = c.endOffsets(all);
            while (!stopping) {
                if (!follow && atEnd(c, end)) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (!r.topic().equals(topic)) {
                        hostRecord(r, handler);
                        continue;
                    }
                    Finding f;
                    try {
                        f = FindingAvro.fromAvro(AvroValues.decodeFinding(r.value()));
                    } catch (BadRecordException e) {
                        if (undecodable++ < 10) {
                            LOG.warn("{}-{}@{}: not a finding: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                        }
                        continue;
                    }
                    if (filter.accepts(f)) {
                        handler.finding(f);
                        handed++;
                    }
                }
            }
        } catch (WakeupException e) {
            // stop() from a signal handler
        } catch (KafkaException e) {
            throw new java.io.IOException("cannot read " + settings.topics().findings() + " from "
                    + settings.bootstrap() + ": " + e, e);
        } finally {
            consumer = null;
        }
        return handed;
    }

    /** A record of the incidents topic: the host's incidents now (none for a tombstone). */
    private void hostRecord(ConsumerRecord<byte[], byte[]> r, Handler handler) throws java.io.IOException {
        String host = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        List<Incident> list = new ArrayList<>();
        if (r.value() != null) {
            try {
                for (dev.nfe.schema.v1.Incident a : AvroValues.decodeHostIncidents(r.value()).getIncidents()) {
                    list.add(IncidentAvro.fromAvro(a));
                }
            } catch (BadRecordException e) {
                if (undecodableIncidents++ < 10) {
                    LOG.warn("{}-{}@{}: not a host record: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                }
                return;
            }
        }
        handler.hostIncidents(host, list);
    }

    /** None when the topic is missing (dissectors older than incidents, or all run with --no-incidents). */
    private List<TopicPartition> incidentPartitions(KafkaConsumer<byte[], byte[]> c) {
        try {
            return partitions(c, settings.topics().incidents());
        } catch (java.io.IOException e) {
            LOG.warn("{}: findings only", e.getMessage());
            return List.of();
        }
    }

    List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) throws java.io.IOException {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(60));
        if (infos == null || infos.isEmpty()) {
            throw new java.io.IOException("topic " + topic + " does not exist on " + settings.bootstrap());
        }
        List<TopicPartition> parts = new ArrayList<>();
        infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
        return parts;
    }

    public long undecodable() {
        return undecodable;
    }

    public long undecodableIncidents() {
        return undecodableIncidents;
    }

    public void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    static void seek(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts, long sinceNanos) {
        if (sinceNanos == Long.MIN_VALUE) {
            c.seekToBeginning(parts);
            return;
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        long ms = Math.max(0, sinceNanos / 1_000_000 - SEEK_MARGIN_MS);
        parts.forEach(p -> query.put(p, ms));
        Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query);
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        for (TopicPartition p : parts) {
            OffsetAndTimestamp o = found.get(p);
            c.seek(p, o != null ? o.offset() : end.get(p));
        }
    }

    static boolean atEnd(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
