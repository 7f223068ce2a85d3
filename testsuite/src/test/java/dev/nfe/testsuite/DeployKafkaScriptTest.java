package dev.nfe.testsuite;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/kafka/start and stop as an operator runs them: a real broker process from the Maven
 * Central jars, on a temporary data directory and free ports (so a broker on 9092 is left
 * alone). Records written before a stop must be there after the next start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DeployKafkaScriptTest {
    private static final String TOPIC = "deploy-script-check";
    private static final String GROUP = "deploy-script-group";
    private static final int RECORDS = 5;

    private DeployedKafka kafka;

    @BeforeAll
    void pickDataAndPorts() throws IOException {
        kafka = new DeployedKafka();
    }

    @AfterAll
    void stopAndClean() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void recordsAndCommittedOffsetsSurviveStopAndStart() throws Exception {
        DeployedKafka.Run first = kafka.script("start");
        assertEquals(0, first.exit(), first.describe());
        assertTrue(first.output().contains("ready on " + kafka.bootstrap()), first.describe());
        assertTrue(kafka.listening(), "start returned but nothing listens on " + kafka.port + kafka.logTail());

        DeployedKafka.Run again = kafka.script("start");
        assertEquals(0, again.exit(), again.describe());
        assertTrue(again.output().contains("already running"), again.describe());

        List<String> sent = new ArrayList<>();
        try (Admin admin = Admin.create(client())) {
            Map<String, String> broker = brokerConfig(admin);
            assertEquals("false", broker.get("auto.create.topics.enable"), kafka.logTail());
            // no partition count given: the broker's default (num.partitions=6) decides
            admin.createTopics(List.of(new NewTopic(TOPIC, Optional.empty(), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
            assertEquals(6, admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(TOPIC).partitions().size(), kafka.logTail());
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                String value = "record-" + i;
                producer.send(new ProducerRecord<>(TOPIC, "key-" + i, value)).get(30, TimeUnit.SECONDS);
                sent.add("key-" + i + "=" + value);
            }
        }
        assertEquals(new TreeSet<>(sent), consumeAsGroup(), "read back before the restart" + kafka.logTail());

        DeployedKafka.Run stop = kafka.script("stop");
        assertEquals(0, stop.exit(), stop.describe());
        assertFalse(Files.exists(kafka.data.resolve("kafka.pid")), "stop left the pid file" + kafka.logTail());
        assertFalse(kafka.listening(), "stop returned but " + kafka.port + " still accepts connections" + kafka.logTail());
        DeployedKafka.Run stopAgain = kafka.script("stop");
        assertEquals(0, stopAgain.exit(), stopAgain.describe());
        assertTrue(stopAgain.output().contains("not running"), stopAgain.describe());

        DeployedKafka.Run restart = kafka.script("start");
        assertEquals(0, restart.exit(), restart.describe());
        assertEquals(new TreeSet<>(sent), readFromStart(), "read back after the restart" + kafka.logTail());
        try (Admin admin = Admin.create(client())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            long total = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
            assertEquals(RECORDS, total, "the group's committed offsets after the restart: " + committed + kafka.logTail());
        }
    }

    // --- the scripts ------------------------------------------------------------------------

    // --- the clients ------------------------------------------------------------------------

    private Properties client() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrap());
        // fail within the test's patience instead of the clients' one-minute defaults
        p.put("request.timeout.ms", "10000");
        p.put("default.api.timeout.ms", "30000");
        return p;
    }

    private Properties producerConfig() {
        Properties p = client();
        p.put("acks", "all");
        p.put("delivery.timeout.ms", "30000");
        p.put("max.block.ms", "30000");
        return p;
    }

    private Map<String, String> brokerConfig(Admin admin) throws Exception {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        Map<String, String> out = new HashMap<>();
        admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker).entries()
                .forEach(e -> out.put(e.name(), e.value()));
        return out;
    }

    /** Reads every record as a consumer group and commits, as a pipeline consumer would. */
    private Set<String> consumeAsGroup() {
        Properties p = client();
        p.put("group.id", GROUP);
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        Set<String> got = new TreeSet<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got.size() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    got.add(r.key() + "=" + r.value());
                }
            }
            c.commitSync(Duration.ofSeconds(30));
        }
        return got;
    }

    /** Reads every partition from its beginning to its current end, without a group. */
    private Set<String> readFromStart() {
        Set<String> got = new TreeSet<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(client(), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(TOPIC, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(TOPIC, i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    got.add(r.key() + "=" + r.value());
                }
            }
        }
        return got;
    }

}
