package dev.nfe.pipeline.kafka.agent;

import dev.nfe.capture.TcpSegment;
import dev.nfe.pipeline.kafka.FlowKeyBytes;
import dev.nfe.pipeline.kafka.codec.AvroValues;
import dev.nfe.pipeline.kafka.codec.SegmentCodec;
import dev.nfe.schema.v1.AgentMarker;
import dev.nfe.schema.v1.MarkerKind;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Puts one source's segments and markers on the segments topic. Segments are keyed by their
 * canonical flow key; markers go to every partition explicitly, in line with the segments before
 * them (Kafka keeps order per partition; the idempotent producer keeps it across retries).
 * Not thread-safe, except the counters, which Kafka's I/O thread updates.
 */
final class SegmentPublisher {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final int partitions;
    private final String agent;
    private final SegmentCodec codec = new SegmentCodec();
    private final PayloadBudget budget;
    private final AgentTotals totals;
    private final AtomicLong ackedSegments = new AtomicLong();
    private final AtomicLong ackedMarkers = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong failedSegments = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private long sent;
    private long payloadBytes;

    SegmentPublisher(Producer<byte[], byte[]> producer, String topic, String agent, PayloadBudget budget,
                     AgentTotals totals) {
        this.producer = producer;
        this.topic = topic;
        this.agent = agent;
        this.budget = budget;
        this.totals = totals;
        this.partitions = producer.partitionsFor(topic).size();
    }

    void segment(TcpSegment s, String source) {
        segment(s, source, 0);
    }

    /**
     * Publishes one segment; {@code captureLoss} is the source's running count of lost packets.
     * A send Kafka refuses at once (the producer gave up waiting for buffer space while the
     * brokers are away, or was closed by a stop that could not wait) is counted as failed, like
     * one that fails later: a live agent never stops capturing for Kafka.
     */
    void segment(TcpSegment s, String source, long captureLoss) {
        PayloadBudget.Decision d = budget.decide(s);
        byte[] value = codec.encode(s, agent, source, d.keepPayload(), d.firstInFlow(), captureLoss);
        payloadBytes += d.keepPayload();
        sent++;
        totals.segment();
        try {
            producer.send(new ProducerRecord<>(topic, FlowKeyBytes.of(s.src(), s.dst()), value), segmentDone);
        } catch (KafkaException | IllegalStateException e) {
            failedSegments.incrementAndGet();
            done(e, ackedSegments);
        }
    }

    /** A heartbeat or end-of-source marker on every partition. */
    void marker(MarkerKind kind, String source, long eventTs, long frames, long segments) {
        byte[] value = AvroValues.encode(AgentMarker.newBuilder().setAgent(agent).setSource(source).setKind(kind)
                .setEventTsNanos(eventTs).setFrames(frames).setSegments(segments).build());
        for (int p = 0; p < partitions; p++) {
            try {
                producer.send(new ProducerRecord<>(topic, p, null, value), markerDone);
            } catch (KafkaException | IllegalStateException e) {
                done(e, ackedMarkers);
            }
        }
    }

    private final Callback segmentDone = (RecordMetadata m, Exception e) -> {
        if (e != null) {
            failedSegments.incrementAndGet();
        }
        done(e, ackedSegments);
    };
    private final Callback markerDone = (RecordMetadata m, Exception e) -> done(e, ackedMarkers);

    private void done(Exception e, AtomicLong counter) {
        if (e == null) {
            counter.incrementAndGet();
        } else {
            failed.incrementAndGet();
            totals.kafkaDrop();
            firstFailure.compareAndSet(null, e);
        }
    }

    long sentSegments() {
        return sent;
    }

    long payloadBytes() {
        return payloadBytes;
    }

    /** Segments Kafka acknowledged. */
    long ackedSegments() {
        return ackedSegments.get();
    }

    /** Segments Kafka refused, at once or after the delivery timeout. */
    long failedSegments() {
        return failedSegments.get();
    }

    long failed() {
        return failed.get();
    }

    Exception firstFailure() {
        return firstFailure.get();
    }
}
