package dev.nfe.pipeline.kafka.agent;

import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.DecodeStats;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.codec.AvroValues;
import dev.nfe.pipeline.live.LiveOutput;
import dev.nfe.pipeline.output.CaptureStats;
import dev.nfe.schema.v1.AgentStats;
import dev.nfe.schema.v1.MarkerKind;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code nfe agent --interface IF --kafka ...}: segments of each interface to the segments topic
 * (as the file agent publishes them, plus each source's running capture loss), a heartbeat per
 * tick so the dissectors' clocks move on quiet interfaces, AgentStats every stats interval, and an
 * end-of-source marker when the capture stops.
 *
 * <p>Backpressure: while the brokers are away the producer buffers up to {@code buffer.memory};
 * when that is full a send waits up to {@code max.block.ms} (a minute), which stalls the
 * processing thread, so the agent's frame queue fills and the capture threads drop and count.
 * When Kafka returns the producer drains its buffer and the queue catches up. Records Kafka never
 * takes (delivery timeout, 10 minutes) are counted as {@code dropped_kafka}.
 */
public final class LiveKafkaOutput implements LiveOutput {
    private static final Logger LOG = LoggerFactory.getLogger(LiveKafkaOutput.class);
    private static final long LIVE_MAX_BLOCK_MS = 60_000;

    private final KafkaSettings settings;
    private final String agentId;
    private final PayloadBudget budget;
    private final Consumer<Producer<byte[], byte[]>> onProducer;
    private final List<SegmentPublisher> publishers = new ArrayList<>();
    private final List<String> sources = new ArrayList<>();
    private Producer<byte[], byte[]> producer;

    /**
     * @param onProducer told about the producer once it exists (metrics bind its client metrics)
     */
    public LiveKafkaOutput(KafkaSettings settings, String agentId, long payloadBudget, int budgetFlows,
                           Consumer<Producer<byte[], byte[]>> onProducer) {
        this.settings = settings;
        this.agentId = agentId;
        this.budget = new PayloadBudget(payloadBudget, budgetFlows);
        this.onProducer = onProducer;
    }

    @Override
    public void open(List<String> names) {
        producer = new KafkaProducer<>(KafkaAgent.producerConfig(settings, agentId, LIVE_MAX_BLOCK_MS));
        onProducer.accept(producer);
        // AgentTotals are the file agent's series; live series come from the agent's own counters
        for (String name : names) {
            sources.add(name);
            publishers.add(new SegmentPublisher(producer, settings.topics().segments(), agentId, budget,
                    new AgentTotals()));
        }
    }

    @Override
    public void segment(int source, TcpSegment s, long captureLoss) {
        publishers.get(source).segment(s, sources.get(source), captureLoss);
    }

    @Override
    public void tick(int source, long clockNanos, DecodeStats decoded) {
        publishers.get(source).marker(MarkerKind.HEARTBEAT, sources.get(source), clockNanos, decoded.frames(),
                decoded.tcpSegments());
    }

    @Override
    public void stats(int source, CaptureStats s) {
        SegmentPublisher pub = publishers.get(source);
        byte[] value = AvroValues.encode(AgentStats.newBuilder().setAgent(agentId).setSource(s.source())
                .setWallTsNanos(s.wallTsNanos()).setEventTsNanos(s.eventTsNanos()).setFinal$(s.last())
                .setFrames(s.processed()).setSegments(s.segments()).setSegmentsPublished(pub.ackedSegments())
                .setPayloadBytes(pub.payloadBytes()).setPayloadBytesCut(budget.bytesCut())
                .setSegmentsCut(budget.segmentsCut()).setBudgetTableEvictions(budget.evictions())
                .setPublishErrors(pub.failedSegments()).setDroppedQueueFull(s.queueDropped())
                .setPcapReceived(s.pcapReceived()).setPcapDropped(s.pcapDropped())
                .setPcapIfDropped(s.pcapIfDropped()).setDroppedKafka(s.kafkaDropped())
                .setCaptureLoss(s.captureLoss()).build());
        try {
            producer.send(new ProducerRecord<>(settings.topics().agentStats(),
                    s.source().getBytes(StandardCharsets.UTF_8), value));
        } catch (KafkaException | IllegalStateException e) {
            LOG.warn("{}: counters not published: {}", s.source(), e.getMessage());
        }
    }

    @Override
    public long dropped(int source) {
        return publishers.get(source).failedSegments();
    }

    @Override
    public void finish(int source, long clockNanos, DecodeStats decoded) {
        publishers.get(source).marker(MarkerKind.END_OF_SOURCE, sources.get(source), clockNanos, decoded.frames(),
                decoded.tcpSegments());
    }

    @Override
    public void settle() {
        try {
            producer.flush();
        } catch (KafkaException | IllegalStateException e) {
            LOG.warn("flush ended early: {}", e.getMessage());
        }
    }

    @Override
    public void abort() {
        producer.close(Duration.ZERO);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
