package dev.nfe.pipeline.kafka.dissect;

import dev.nfe.dissect.Dissector;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.DissectorOutput;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.kafka.codec.AvroValues;
import dev.nfe.pipeline.kafka.codec.BadRecordException;
import dev.nfe.pipeline.kafka.codec.SegmentCodec;
import dev.nfe.pipeline.kafka.codec.WireSegment;
import dev.nfe.schema.v1.AgentMarker;
import dev.nfe.schema.v1.MarkerKind;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.HashMap;
import java.util.Map;

/**
 * The state of one segments partition: one {@link Dissector} per agent input on it (so an
 * agent's end-of-source marker finalises exactly that input's flows, and each input keeps its
 * own event-time clock), and the resume bookkeeping.
 *
 * <p>Recovery: a worker that takes a partition over starts at the committed offset (where the
 * oldest open flow began) with {@code processedUntil} from the commit metadata. Until it gets
 * there it rebuilds: segments of flows that began before the resume point are skipped (the
 * agent marks the first segment of every flow), and results are recomputed but not published,
 * because the committed transactions already hold them. From {@code processedUntil} on it is
 * exactly the worker that went away.
 */
final class PartitionWork implements DissectorOutput {
    /** Agent inputs followed per partition at once; a hostile producer cannot make more (those records are dead-lettered). */
    static final int MAX_STREAMS = 4096;

    private final DissectorConfig config;
    private final SegmentCodec codec = new SegmentCodec();
    private final Map<StreamId, Dissector> streams = new HashMap<>();
    private final PartitionCounters counters;
    private final TopicSink results;
    private final DeadLetters deadLetters;
    private final long processedUntil;
    private final int partition;
    private final int partitions;
    private long next;
    private boolean suppress;

    /**
     * @param partition  the segments partition this is
     * @param partitions how many the segments topic has (the incidents side waits for every one's end)
     */
    PartitionWork(DissectorConfig config, ResumePoint resume, PartitionCounters counters, TopicSink results,
                  DeadLetters deadLetters, int partition, int partitions) {
        this.config = config;
        this.partition = partition;
        this.partitions = partitions;
        this.counters = counters;
        this.results = results;
        this.deadLetters = deadLetters;
        this.next = resume.commitOffset();
        this.processedUntil = resume.processedUntil();
    }

    void process(ConsumerRecord<byte[], byte[]> r) {
        counters.records++;
        suppress = r.offset() < processedUntil;
        if (suppress) {
            counters.replayed++;
        }
        try {
            byte[] v = r.value();
            if (v != null && v.length >= 10 && SegmentCodec.fingerprintOf(v) == SegmentCodec.FINGERPRINT) {
                segment(codec.decode(v), r.offset());
            } else {
                marker(AvroValues.decodeMarker(v));
            }
        } catch (BadRecordException e) {
            if (!suppress) {
                deadLetters.deadLetter(r, e.getMessage());
            }
        } catch (RuntimeException e) {
            // a bug of ours on strange input: that record is lost, the partition goes on
            counters.internalErrors++;
            if (!suppress) {
                deadLetters.deadLetter(r, "internal error: " + e);
            }
        }
        next = r.offset() + 1;
    }

    private void segment(WireSegment w, long offset) throws BadRecordException {
        counters.segments++;
        Dissector d = stream(new StreamId(w.agent(), w.source()));
        if (d == null) {
            throw new BadRecordException("more than " + MAX_STREAMS + " agent inputs on one partition");
        }
        if (suppress && !w.firstInFlow() && !d.hasOpenFlow(w.segment())) {
            counters.replaySkipped++; // the tail of a flow that began before the resume point
            return;
        }
        d.captureLoss(w.captureLoss());
        d.segment(w.segment(), offset);
    }

    private void marker(AgentMarker m) {
        counters.markers++;
        StreamId id = new StreamId(m.getAgent(), m.getSource());
        if (m.getKind() == MarkerKind.END_OF_SOURCE) {
            Dissector d = streams.remove(id);
            if (d != null) {
                d.finish(m.getEventTsNanos());
            }
            if (!suppress) {
                // after the input's last observations from this partition, even when it had none here
                results.sourceEnded(m.getAgent(), m.getSource(), m.getEventTsNanos(), partition, partitions);
            }
        } else {
            Dissector d = stream(id);
            if (d != null) {
                d.advanceTo(m.getEventTsNanos());
            }
        }
    }

    private Dissector stream(StreamId id) {
        Dissector d = streams.get(id);
        if (d == null) {
            if (streams.size() >= MAX_STREAMS) {
                return null;
            }
            d = new Dissector(config.withCapture(id.source()), this);
            streams.put(id, d);
        }
        return d;
    }

    @Override
    public void session(SessionRecord s) {
        if (suppress) {
            counters.resultsSuppressed++;
            return;
        }
        counters.sessions++;
        results.session(s);
    }

    @Override
    public void finding(Finding f) {
        if (suppress) {
            counters.resultsSuppressed++;
            return;
        }
        counters.findings++;
        results.finding(f);
    }

    /** What to commit now: the oldest offset an open flow needs, and how far processing got. */
    ResumePoint resumePoint() {
        long oldest = next;
        for (Dissector d : streams.values()) {
            oldest = d.oldestOpenPosition(oldest);
        }
        return new ResumePoint(oldest, Math.max(next, processedUntil));
    }

    int openFlows() {
        int n = 0;
        for (Dissector d : streams.values()) {
            n += d.openFlows();
        }
        return n;
    }
}
