package dev.nfe.pipeline.kafka.dissect;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.kafka.Topics;
import dev.nfe.pipeline.kafka.codec.FindingAvro;
import dev.nfe.pipeline.kafka.codec.ResultEncoder;
import dev.nfe.pipeline.kafka.codec.SessionAvro;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * The result topics as an output: sessions and findings go into the dissector's open Kafka
 * transaction (committed together with the consumed offsets), keyed by server so that one
 * server's results stay in order on one partition. Counted by outcome once committed.
 */
final class TopicSink implements ResultSink {
    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final CommittedResults committed;
    private final ResultEncoder encoder = new ResultEncoder();

    TopicSink(Producer<byte[], byte[]> producer, Topics topics, CommittedResults committed) {
        this.producer = producer;
        this.topics = topics;
        this.committed = committed;
    }

    @Override
    public void session(SessionRecord s) {
        committed.session(s.outcome().name());
        producer.send(new ProducerRecord<>(topics.sessions(), key(s.server().toString()),
                encoder.session(SessionAvro.toAvro(s))));
    }

    @Override
    public void finding(Finding f) {
        committed.finding(f.kind().name());
        producer.send(new ProducerRecord<>(topics.findings(), key(f.server().toString()),
                encoder.finding(FindingAvro.toAvro(f))));
    }

    /** Incidents need every session of a server, which partitions spread: they are formed downstream, by server. */
    @Override
    public void incident(Incident i) {
    }

    /** A stream has no end: nothing to sum up. */
    @Override
    public void summary(RunSummary summary) {
    }

    private static byte[] key(String server) {
        return server.getBytes(StandardCharsets.UTF_8);
    }
}
