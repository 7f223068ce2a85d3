package dev.nfe.pipeline.kafka.agent;

import dev.nfe.pipeline.kafka.KafkaClientMetricsBinding;
import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSink;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.decode.DecodeStats;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.codec.AvroValues;
import dev.nfe.pipeline.metrics.NfeMetrics;
import dev.nfe.pipeline.replay.CaptureInputs;
import dev.nfe.schema.v1.AgentStats;
import dev.nfe.schema.v1.MarkerKind;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * {@code nfe agent --read FILE...}: decodes capture files and publishes their TCP segments to
 * the segments topic, with a heartbeat every {@code heartbeatFrames} frames and an end-of-source
 * marker after each file, so the dissectors finalise that file's flows at once. Files are
 * published one after the other, like replay reads them.
 */
public final class KafkaAgent {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAgent.class);

    private final KafkaSettings settings;
    private final AgentOptions options;
    private final NfeMetrics metrics;
    private final AgentTotals totals = new AgentTotals();

    public KafkaAgent(KafkaSettings settings, AgentOptions options) {
        this(settings, options, null);
    }

    /**
     * @param metrics where the agent's frames, bytes, segments and Kafka drops and its producer's
     *                own metrics are published; null for none
     */
    public KafkaAgent(KafkaSettings settings, AgentOptions options, NfeMetrics metrics) {
        this.settings = settings;
        this.options = options;
        this.metrics = metrics;
        if (metrics != null) {
            totals.register(metrics);
        }
    }

    Properties producerConfig() {
        return producerConfig(settings, options.agentId(), 600_000);
    }

    /**
     * The producer settings: nfe's measured defaults, the user's file, then what order needs.
     * {@code maxBlockMs} bounds how long a send waits for buffer space while the brokers are away:
     * a file agent can wait (the reader just pauses); a live agent must get back to its queue.
     */
    static Properties producerConfig(KafkaSettings settings, String agentId, long maxBlockMs) {
        Properties defaults = new Properties();
        defaults.put("compression.type", "lz4");
        defaults.put("batch.size", Integer.toString(256 * 1024));
        defaults.put("linger.ms", "20");
        defaults.put("buffer.memory", Long.toString(128L << 20));
        // a broker restart must not lose the run: keep retrying for ten minutes, and block the
        // reader (not drop) while the buffer is full
        defaults.put("delivery.timeout.ms", "600000");
        defaults.put("max.block.ms", Long.toString(maxBlockMs));
        defaults.put("client.id", "nfe-agent-" + agentId);
        Properties pinned = new Properties();
        pinned.put("acks", "all");
        pinned.put("enable.idempotence", "true");
        pinned.put("max.in.flight.requests.per.connection", "5");
        pinned.put("key.serializer", ByteArraySerializer.class.getName());
        pinned.put("value.serializer", ByteArraySerializer.class.getName());
        return settings.merge(defaults, pinned);
    }

    public AgentReport run(List<String> captures) throws InterruptedException {
        PayloadBudget budget = new PayloadBudget(options.payloadBudget(), options.budgetFlows());
        List<String> errors = new ArrayList<>();
        int exit = 0;
        long frames = 0;
        long segments = 0;
        SegmentPublisher pub;
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig())) {
            if (metrics != null) {
                KafkaClientMetricsBinding.bind(metrics, producer);
            }
            pub = new SegmentPublisher(producer, settings.topics().segments(), options.agentId(), budget, totals);
            for (String capture : captures) {
                FileRun run = new FileRun(capture, pub);
                String error = run.publish();
                frames += run.frames;
                segments += run.stats.tcpSegments();
                if (error != null) {
                    errors.add(error);
                    exit = Math.max(exit, 3);
                }
                producer.send(new ProducerRecord<>(settings.topics().agentStats(), key(capture),
                        stats(capture, run, budget, pub)));
            }
            producer.flush();
        }
        if (pub.failed() > 0) {
            errors.add(pub.failed() + " record(s) were not published: " + pub.firstFailure());
            exit = 4;
        }
        return new AgentReport(exit, frames, segments, pub.ackedSegments(), budget.bytesCut(), budget.segmentsCut(),
                pub.failed(), errors);
    }

    private byte[] key(String source) {
        return (options.agentId() + "|" + source).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] stats(String source, FileRun run, PayloadBudget budget, SegmentPublisher pub) {
        return AvroValues.encode(AgentStats.newBuilder().setAgent(options.agentId()).setSource(source)
                .setWallTsNanos(System.currentTimeMillis() * 1_000_000L).setEventTsNanos(run.maxTs)
                .setFinal$(true).setFrames(run.frames).setSegments(run.stats.tcpSegments())
                .setSegmentsPublished(pub.ackedSegments()).setPayloadBytes(pub.payloadBytes())
                .setPayloadBytesCut(budget.bytesCut()).setSegmentsCut(budget.segmentsCut())
                .setBudgetTableEvictions(budget.evictions()).setPublishErrors(pub.failed())
                .build());
    }

    /** One capture file: frames in, segments and markers out. */
    private final class FileRun implements FrameSink {
        private final String capture;
        private final SegmentPublisher pub;
        final DecodeStats stats = new DecodeStats();
        private SegmentDecoder decoder;
        long frames;
        long maxTs = Long.MIN_VALUE;

        FileRun(String capture, SegmentPublisher pub) {
            this.capture = capture;
            this.pub = pub;
        }

        /** Returns the file's one-line error, or null. */
        String publish() {
            String error = null;
            try (FrameSource src = options.opener().open(Path.of(capture))) {
                // payload bytes are copied into the record value, so views of the reader's buffer do
                decoder = new SegmentDecoder(s -> pub.segment(s, capture), SegmentDecoder.DEFAULT_MAX_TUNNEL_DEPTH,
                        stats, src.stableBuffers());
                while (src.next(this)) {
                    if (frames % options.heartbeatFrames() == 0) {
                        pub.marker(MarkerKind.HEARTBEAT, capture, maxTs, frames, stats.tcpSegments());
                    }
                }
            } catch (CaptureDamagedException e) {
                error = CaptureInputs.damaged(capture, e);
            } catch (IOException e) {
                error = capture + ": read error after " + frames + " frames: " + e.getMessage();
            }
            // whatever happened, the dissectors finalise this file's flows now
            pub.marker(MarkerKind.END_OF_SOURCE, capture, maxTs, frames, stats.tcpSegments());
            LOG.info("{}: {} frames, {} segments published", capture, frames, stats.tcpSegments());
            return error;
        }

        @Override
        public void frame(long number, long ts, int linkType, byte[] buf, int off, int capLen, int origLen) {
            frames++;
            totals.frame(origLen);
            if (ts > maxTs) {
                maxTs = ts;
            }
            decoder.frame(number, ts, linkType, buf, off, capLen, origLen);
        }
    }
}
