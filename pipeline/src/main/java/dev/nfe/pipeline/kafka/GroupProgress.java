package dev.nfe.pipeline.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * How far a dissector group has got on the segments topic, from the committed offsets. Since a
 * dissector commits the start of its oldest open flow, "committed = end" on every partition
 * means every segment is processed and every flow finalised and published.
 */
public final class GroupProgress {
    private GroupProgress() {
    }

    public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> q = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(pi -> q.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(q).all().get().entrySet()) {
            out.put(e.getKey(), e.getValue().offset());
        }
        return out;
    }

    /** True when the group has committed the end of every non-empty partition of the topic. */
    public static boolean caughtUp(Admin admin, String group, String topic)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> done =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        for (Map.Entry<TopicPartition, Long> e : endOffsets(admin, topic).entrySet()) {
            OffsetAndMetadata om = done.get(e.getKey());
            if (e.getValue() > 0 && (om == null || om.offset() < e.getValue())) {
                return false;
            }
        }
        return true;
    }
}
