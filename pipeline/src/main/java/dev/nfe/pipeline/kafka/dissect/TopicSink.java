package dev.nfe.pipeline.kafka.dissect;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Observation;
import dev.nfe.dissect.incident.Observer;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.kafka.Topics;
import dev.nfe.pipeline.kafka.codec.AvroValues;
import dev.nfe.pipeline.kafka.codec.FindingAvro;
import dev.nfe.pipeline.kafka.codec.ObservationAvro;
import dev.nfe.pipeline.kafka.codec.ResultEncoder;
import dev.nfe.pipeline.kafka.codec.SessionAvro;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.schema.v1.SourceEnd;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * The result topics as an output: sessions and findings go into the dissector's open Kafka
 * transaction (committed together with the consumed offsets), keyed by server so that one
 * server's results stay in order on one partition. Counted by outcome once committed.
 *
 * <p>Incidents need every session of a server, which the segments partitions spread over the
 * group, so they are formed downstream ({@code kafka.incidents}): each session that matters to
 * them goes, as an {@link Observation}, to the observations topic keyed by its server's incident
 * host, in the same transaction, so exactly once too. A finding always follows its session, so
 * the latest session waits here until the next session or the commit ({@link #flushObservation})
 * to learn whether it has one.
 */
final class TopicSink implements ResultSink {
    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final CommittedResults committed;
    private final ResultEncoder encoder = new ResultEncoder();
    /** Null when incidents are off: no observations are published. */
    private final Observer observer;
    private final int observationPartitions;
    private SessionRecord pending;

    /** @param observationPartitions partitions of the observations topic; 0: incidents are off */
    TopicSink(Producer<byte[], byte[]> producer, Topics topics, CommittedResults committed, int observationPartitions) {
        this.producer = producer;
        this.topics = topics;
        this.committed = committed;
        this.observationPartitions = observationPartitions;
        this.observer = observationPartitions > 0 ? new Observer() : null;
    }

    @Override
    public void session(SessionRecord s) {
        flushObservation();
        committed.session(s.outcome().name());
        producer.send(new ProducerRecord<>(topics.sessions(), key(s.server().toString()),
                encoder.session(SessionAvro.toAvro(s))));
        if (observer != null) {
            pending = s;
        }
    }

    @Override
    public void finding(Finding f) {
        committed.finding(f.kind().name());
        producer.send(new ProducerRecord<>(topics.findings(), key(f.server().toString()),
                encoder.finding(FindingAvro.toAvro(f))));
        if (pending != null) {
            observe(pending, f);
            pending = null;
        }
    }

    /** The waiting session had no finding: its observation goes now (before a commit, or the next session). */
    void flushObservation() {
        if (pending != null) {
            observe(pending, null);
            pending = null;
        }
    }

    /** The open transaction was aborted: the waiting session went with it. */
    void discardPending() {
        pending = null;
    }

    private void observe(SessionRecord s, Finding f) {
        Observation o = observer.of(s, f);
        if (o != null) {
            committed.observation();
            producer.send(new ProducerRecord<>(topics.observations(), key(o.host()),
                    encoder.observation(ObservationAvro.toAvro(o))));
        }
    }

    /**
     * An agent input ended on segments partition {@code partition}, and its observations from this
     * partition are all published: every observations partition is told, after them.
     */
    void sourceEnded(String agent, String source, long eventTsNanos, int partition, int partitions) {
        if (observer == null) {
            return;
        }
        flushObservation();
        byte[] value = AvroValues.encode(new SourceEnd(agent, source, eventTsNanos, partition, partitions));
        for (int p = 0; p < observationPartitions; p++) {
            producer.send(new ProducerRecord<>(topics.observations(), p, null, value));
        }
    }

    /** Incidents are formed downstream, by server (see the class comment). */
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
