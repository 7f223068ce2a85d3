package dev.nfe.pipeline.kafka.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.pipeline.kafka.Topics;
import dev.nfe.pipeline.metrics.NfeMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fuzzes the dissector's record path (PartitionWork.process): a run of records off the segments
 * topic, each a segment, an agent marker or anything else. A hostile record must be dead-lettered
 * with a reason and the partition must go on; an exception escaping, or a record that reaches the
 * "internal error" branch (a bug of ours, counted in nfe_internal_errors_total), is a finding.
 */
class PartitionWorkFuzzTest {
    /**
     * Results go through the real TopicSink and its Avro encoding into a producer that keeps
     * them in memory (no broker: the records under test are the ones read, not written).
     */
    private static final MockProducer<byte[], byte[]> PRODUCER =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private static final TopicSink RESULTS = results();

    private static TopicSink results() {
        try {
            // metrics without an endpoint: nothing listens
            return new TopicSink(PRODUCER, Topics.withPrefix("nfe."), new CommittedResults(NfeMetrics.open("dissect", null)),
                    6);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void records(FuzzedDataProvider data) {
        List<String> deadLetters = new ArrayList<>();
        PartitionCounters counters = new PartitionCounters();
        PRODUCER.clear();
        PartitionWork work = new PartitionWork(DissectorConfig.defaults("fuzz"), new ResumePoint(0, 0), counters, RESULTS,
                (r, why) -> deadLetters.add(why), 0, 6);
        int n = data.consumeInt(1, 8);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            byte[] value = i == n - 1 ? data.consumeRemainingAsBytes() : data.consumeBytes(data.consumeInt(0, 2048));
            work.process(new ConsumerRecord<>("nfe.segments", 0, i, null, value));
        }
        assertEquals(0, counters.internalErrors, () -> "internal errors: " + deadLetters);
        assertEquals(counters.records, counters.segments + counters.markers + deadLetters.size(),
                () -> "a record neither processed nor dead-lettered: " + deadLetters);
    }
}
