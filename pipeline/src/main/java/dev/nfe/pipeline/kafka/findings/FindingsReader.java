package dev.nfe.pipeline.kafka.findings;

import dev.nfe.dissect.report.Finding;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.codec.AvroValues;
import dev.nfe.pipeline.kafka.codec.BadRecordException;
import dev.nfe.pipeline.kafka.codec.FindingAvro;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the findings topic without a consumer group (nothing is committed: reading is
 * side-effect free) and with {@code read_committed}, so only results of committed dissector
 * transactions are seen. Without follow it stops at the end the topic had when it started.
 */
public final class FindingsReader {
    private static final Logger LOG = LoggerFactory.getLogger(FindingsReader.class);
    /**
     * Seeking by record time (when the dissector wrote) to the --since event time is safe because
     * a finding is always written after it happened; this margin covers clock skew between hosts.
     */
    private static final long SEEK_MARGIN_MS = 3_600_000;

    /** Receives findings in topic order (per partition). */
    public interface Handler {
        void finding(Finding f) throws java.io.IOException;
    }

    private final KafkaSettings settings;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean stopping;
    private long undecodable;

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

    /** Returns the number of findings handed over; a cluster that cannot be read is an IOException. */
    public long read(FindingFilter filter, boolean follow, Handler handler) throws java.io.IOException {
        long handed = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig())) {
            consumer = c;
            String topic = settings.topics().findings();
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(60));
            if (infos == null || infos.isEmpty()) {
                throw new java.io.IOException("topic " + topic + " does not exist on " + settings.bootstrap());
            }
            List<TopicPartition> parts = new ArrayList<>();
            infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            c.assign(parts);
            seek(c, parts, filter.sinceNanos());
            // read_committed: the end offsets are the last stable offsets
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (!stopping) {
                if (!follow && atEnd(c, end)) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
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

    public long undecodable() {
        return undecodable;
    }

    public void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private static void seek(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts, long sinceNanos) {
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

    private static boolean atEnd(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
