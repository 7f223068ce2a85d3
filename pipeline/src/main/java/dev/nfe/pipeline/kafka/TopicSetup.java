package dev.nfe.pipeline.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates nfe's topics if they are missing (an existing topic is left as it is: its partitions
 * may have been raised on purpose). Segments are raw material, kept a day; results are kept
 * longer because people read them after the fact. The replication factor is the broker's
 * default, so the same code suits a one-node test broker and a real cluster.
 */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final long DAY_MS = 24L * 3600 * 1000;

    private TopicSetup() {
    }

    public static void ensure(KafkaSettings settings, int segmentPartitions) throws KafkaSetupException {
        Topics t = settings.topics();
        Properties p = settings.merge(new Properties(), new Properties());
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> wanted = new ArrayList<>();
            add(wanted, existing, t.segments(), segmentPartitions, DAY_MS, "lz4");
            add(wanted, existing, t.sessions(), 3, 7 * DAY_MS, "producer");
            add(wanted, existing, t.findings(), 3, 90 * DAY_MS, "producer");
            add(wanted, existing, t.agentStats(), 1, 7 * DAY_MS, "producer");
            add(wanted, existing, t.deadLetters(), 1, 14 * DAY_MS, "producer");
            // internal: as many partitions as the segments, so that the incidents app spreads like the
            // dissectors; a day is far more than the app needs to read them once
            add(wanted, existing, t.observations(), segmentPartitions, DAY_MS, "lz4");
            // one record per server host, the latest is the truth: compaction keeps that one, and
            // deletion after 90 days drops hosts that have been quiet that long (like findings)
            add(wanted, existing, t.incidents(), 3, 90 * DAY_MS, "producer", "compact,delete");
            if (wanted.isEmpty()) {
                return;
            }
            List<String> names = new ArrayList<>();
            wanted.forEach(n -> names.add(n.name()));
            for (var e : admin.createTopics(wanted).values().entrySet()) {
                try {
                    e.getValue().get(60, TimeUnit.SECONDS);
                    LOG.info("created topic {}", e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex; // another agent creating it at the same moment is fine
                    }
                }
            }
            awaitLeaders(admin, names);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaSetupException("cannot create topics on " + settings.bootstrap() + ": "
                    + (e.getCause() != null ? e.getCause() : e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaSetupException("interrupted while creating topics", e);
        }
    }

    /**
     * A topic exists before its partitions' leaders serve requests; producing at once meets
     * NOT_LEADER_OR_FOLLOWER, and Kafka 4.3's idempotent producer was seen here to wedge a
     * partition on OUT_OF_ORDER_SEQUENCE_NUMBER after such a retry. So wait until every leader
     * answers a ListOffsets request (the metadata alone says "leader" too early).
     */
    private static void awaitLeaders(Admin admin, List<String> names)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                // a topic just created may not be known to the broker answering yet
                // (UnknownTopicOrPartition): describing it is part of what is retried
                Map<TopicPartition, OffsetSpec> query = new HashMap<>();
                for (var d : admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
                    d.partitions().forEach(p -> query.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
                }
                admin.listOffsets(query).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("partitions of " + names + " not served after 60 s: " + e.getMessage());
                }
                Thread.sleep(100);
            }
        }
    }

    private static void add(List<NewTopic> wanted, Set<String> existing, String name, int partitions, long retentionMs,
                            String compression) {
        add(wanted, existing, name, partitions, retentionMs, compression, "delete");
    }

    private static void add(List<NewTopic> wanted, Set<String> existing, String name, int partitions, long retentionMs,
                            String compression, String cleanup) {
        if (existing.contains(name)) {
            return;
        }
        wanted.add(new NewTopic(name, java.util.Optional.of(partitions), java.util.Optional.empty())
                .configs(Map.of("retention.ms", Long.toString(retentionMs), "compression.type", compression,
                        "cleanup.policy", cleanup)));
    }
}
