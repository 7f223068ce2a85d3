package dev.nfe.pipeline.kafka;

import dev.nfe.pipeline.metrics.NfeMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.time.Duration;

/**
 * A Kafka client's own metrics in nfe's Prometheus registry ({@code kafka_producer_*},
 * {@code kafka_consumer_*}: send and fetch rates, errors, retries, lag, ...). Micrometer's
 * binder looks again every {@link #REFRESH} for per-topic and per-node metrics that appear after
 * the client's first use of them.
 */
public final class KafkaClientMetricsBinding {
    private static final Duration REFRESH = Duration.ofSeconds(30);

    private KafkaClientMetricsBinding() {
    }

    public static void bind(NfeMetrics metrics, Producer<?, ?> producer) {
        metrics.bind(new KafkaClientMetrics(producer, Tags.empty(), metrics.refresher(), REFRESH));
    }

    public static void bind(NfeMetrics metrics, Consumer<?, ?> consumer) {
        metrics.bind(new KafkaClientMetrics(consumer, Tags.empty(), metrics.refresher(), REFRESH));
    }
}
