package dev.nfe.pipeline.kafka.findings;

import dev.nfe.dissect.finding.FindingFactory;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.Defaults;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.codec.AvroValues;
import dev.nfe.pipeline.kafka.codec.BadRecordException;
import dev.nfe.pipeline.kafka.codec.FindingAvro;
import dev.nfe.pipeline.kafka.codec.IncidentAvro;
import dev.nfe.pipeline.kafka.codec.SessionAvro;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.pipeline.output.SummaryCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The committed results as one run for a {@link ResultSink} ({@code nfe report --kafka}): every
 * session of {@code nfe.sessions} that began at or after {@code since}, each followed by its
 * finding from {@code nfe.findings}, then the incidents of {@code nfe.incidents} (the latest record
 * of each host) that lasted until {@code since} or later, then a summary. Read with
 * {@code read_committed}, without a consumer group, up to the end offsets the topics had at the
 * start (one snapshot of all three).
 *
 * <p>The finding is the committed one, not one made again: the dissector makes it from the session
 * and its verdict, which is not on the wire. It is found by its id, which depends on the session
 * and the kind only ({@link FindingFactory#id}); a failure outcome names its kind, a completed
 * handshake can have only RESET_AFTER_HANDSHAKE or CLOSED_AFTER_HANDSHAKE. Sessions and findings
 * are keyed by server and written by many dissectors, so no order joins them; the findings of the
 * window wait in memory, as their bytes, for their sessions: at most {@link #MAX_WAITING}, the
 * rest counted and left out (the sessions are still shown, their failures not drawn).
 */
public final class ReportReader {
    private static final Logger LOG = LoggerFactory.getLogger(ReportReader.class);
    public static final int MAX_WAITING = 500_000;
    private static final int MAX_CAPTURES = 1024;
    private static final FindingKind[] AFTER_HANDSHAKE = {FindingKind.RESET_AFTER_HANDSHAKE,
        FindingKind.CLOSED_AFTER_HANDSHAKE};

    /** What was read, and what was not: each count is reported to the person running it. */
    public record Result(RunSummary summary, long sessions, long findings, long incidents, long undecodableSessions,
                         long undecodableFindings, long undecodableIncidents, long findingsWithoutSession,
                         long findingsOverCap, boolean incidentsTopic) {
    }

    private final KafkaSettings settings;
    private final FindingsReader topics;

    public ReportReader(KafkaSettings settings) {
        this.settings = settings;
        this.topics = new FindingsReader(settings);
    }

    /**
     * Hands sessions, findings and incidents to {@code sink} (not its summary: that is the
     * returned one, for the caller to hand over once the sink may write). A cluster or topic that
     * cannot be read is an IOException; so is an IOException of the sink.
     */
    public Result read(long sinceNanos, ResultSink sink) throws IOException {
        Counts n = new Counts();
        SummaryCollector summary = new SummaryCollector(Defaults.SUMMARY_SERVERS);
        Map<String, long[]> captures = new LinkedHashMap<>();
        List<Incident> incidents;
        boolean incidentsTopic;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(topics.consumerConfig())) {
            List<TopicPartition> sessionParts = topics.partitions(c, settings.topics().sessions());
            List<TopicPartition> findingParts = topics.partitions(c, settings.topics().findings());
            List<TopicPartition> incidentParts = incidentPartitions(c);
            incidentsTopic = !incidentParts.isEmpty();
            List<TopicPartition> all = new ArrayList<>(sessionParts);
            all.addAll(findingParts);
            all.addAll(incidentParts);
            // read_committed: the last stable offsets, one snapshot for the three topics
            Map<TopicPartition, Long> end = c.endOffsets(all);

            Map<String, byte[]> waiting = new HashMap<>();
            c.assign(findingParts);
            FindingsReader.seek(c, findingParts, sinceNanos);
            drain(c, end, r -> waitingFinding(r, sinceNanos, waiting, n));

            Map<String, List<Incident>> hosts = new HashMap<>();
            if (incidentsTopic) {
                c.assign(incidentParts);
                c.seekToBeginning(incidentParts);
                drain(c, end, r -> hostRecord(r, hosts, n));
            }

            c.assign(sessionParts);
            FindingsReader.seek(c, sessionParts, sinceNanos);
            drain(c, end, r -> {
                SessionRecord s = session(r, sinceNanos, n);
                if (s == null) {
                    return;
                }
                sink.session(s);
                summary.session(s);
                n.sessions++;
                Finding f = findingOf(s, waiting, n);
                if (f != null) {
                    sink.finding(f);
                    n.findings++;
                }
                long[] per = captures.get(s.capture());
                if (per == null && captures.size() < MAX_CAPTURES) {
                    per = new long[2];
                    captures.put(s.capture(), per);
                }
                if (per != null) {
                    per[0]++;
                    per[1] += f == null ? 0 : 1;
                }
            });
            n.findingsWithoutSession = waiting.size();
            FindingFilter window = new FindingFilter(sinceNanos, Set.of(), null);
            incidents = new ArrayList<>();
            hosts.values().forEach(l -> l.stream().filter(window::accepts).forEach(incidents::add));
        } catch (KafkaException e) {
            throw new IOException("cannot read " + settings.topics().sessions() + ", " + settings.topics().findings()
                    + " and " + settings.topics().incidents() + " from " + settings.bootstrap() + ": " + e, e);
        }
        incidents.sort(Comparator.comparingLong(Incident::firstTsNanos).thenComparing(Incident::incidentId));
        for (Incident i : incidents) {
            sink.incident(i);
        }
        summary.count("sessions", n.sessions);
        summary.count("findings", n.findings);
        summary.count("incidents", incidents.size());
        // the capture files' own facts (frames, segments, damage) are not on the topics: -1, unknown
        captures.forEach((name, v) -> summary.capture(new RunSummary.CaptureReport(name, -1, -1, v[0], v[1],
                Map.of(), null)));
        return new Result(summary.build(), n.sessions, n.findings, incidents.size(), n.badSessions, n.badFindings,
                n.badIncidents, n.findingsWithoutSession, n.overCap, incidentsTopic);
    }

    /** Each record until every partition assigned is at its end offset of the snapshot. */
    private static void drain(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end, Each each)
            throws IOException {
        Map<TopicPartition, Long> mine = new HashMap<>();
        c.assignment().forEach(p -> mine.put(p, end.get(p)));
        while (!FindingsReader.atEnd(c, mine)) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                if (r.offset() < mine.get(new TopicPartition(r.topic(), r.partition()))) {
                    each.record(r);
                }
            }
        }
    }

    private interface Each {
        void record(ConsumerRecord<byte[], byte[]> r) throws IOException;
    }

    private static void waitingFinding(ConsumerRecord<byte[], byte[]> r, long sinceNanos, Map<String, byte[]> waiting,
                                       Counts n) {
        Finding f;
        try {
            f = FindingAvro.fromAvro(AvroValues.decodeFinding(r.value()));
        } catch (BadRecordException e) {
            if (n.badFindings++ < 10) {
                LOG.warn("{}-{}@{}: not a finding: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
            return;
        }
        if (f.tsNanos() < sinceNanos || waiting.containsKey(f.findingId())) {
            return;
        }
        if (waiting.size() >= MAX_WAITING) {
            n.overCap++;
            return;
        }
        waiting.put(f.findingId(), r.value());
    }

    private static SessionRecord session(ConsumerRecord<byte[], byte[]> r, long sinceNanos, Counts n) {
        try {
            SessionRecord s = SessionAvro.fromAvro(AvroValues.decodeSession(r.value()));
            return s.firstTsNanos() >= sinceNanos ? s : null;
        } catch (BadRecordException e) {
            if (n.badSessions++ < 10) {
                LOG.warn("{}-{}@{}: not a session: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
            return null;
        }
    }

    /** The committed finding of {@code s}, taken out of {@code waiting}, or null. */
    private static Finding findingOf(SessionRecord s, Map<String, byte[]> waiting, Counts n) {
        FindingKind kind = FindingKind.of(s.outcome());
        byte[] bytes = null;
        if (kind != null) {
            bytes = waiting.remove(FindingFactory.id(s, kind));
        } else if (s.abort() != null || s.abruptClose() != null) {
            for (int i = 0; i < AFTER_HANDSHAKE.length && bytes == null; i++) {
                bytes = waiting.remove(FindingFactory.id(s, AFTER_HANDSHAKE[i]));
            }
        }
        if (bytes == null) {
            return null;
        }
        try {
            return FindingAvro.fromAvro(AvroValues.decodeFinding(bytes));
        } catch (BadRecordException e) {
            // it decoded when it was read
            n.badFindings++;
            return null;
        }
    }

    private static void hostRecord(ConsumerRecord<byte[], byte[]> r, Map<String, List<Incident>> hosts, Counts n) {
        String host = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            hosts.remove(host); // a tombstone: the host has no incident left
            return;
        }
        List<Incident> list = new ArrayList<>();
        try {
            for (dev.nfe.schema.v1.Incident a : AvroValues.decodeHostIncidents(r.value()).getIncidents()) {
                list.add(IncidentAvro.fromAvro(a));
            }
        } catch (BadRecordException e) {
            if (n.badIncidents++ < 10) {
                LOG.warn("{}-{}@{}: not a host record: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
            return;
        }
        if (list.isEmpty()) {
            hosts.remove(host);
        } else {
            hosts.put(host, list);
        }
    }

    /** None when the topic is missing (every dissector runs with --no-incidents). */
    private List<TopicPartition> incidentPartitions(KafkaConsumer<byte[], byte[]> c) {
        try {
            return topics.partitions(c, settings.topics().incidents());
        } catch (IOException e) {
            LOG.warn("{}: no incidents", e.getMessage());
            return List.of();
        }
    }

    private static final class Counts {
        long sessions;
        long findings;
        long badSessions;
        long badFindings;
        long badIncidents;
        long findingsWithoutSession;
        long overCap;
    }
}
