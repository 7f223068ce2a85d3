package dev.nfe.pipeline.kafka.incidents;

import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.metrics.NfeMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The incidents side of {@code nfe dissect}: a Kafka Streams app that reads the observations the
 * dissectors publish (keyed by server host, so each host's are on one partition whatever
 * dissector made them), keeps them per host in changelogged stores, and writes each host's
 * incidents to the incidents topic, exactly once (exactly_once_v2: the stores, the input offsets
 * and the published records commit together). Every dissector instance runs one; they share the
 * observations partitions as one Streams application per dissector group.
 */
public final class IncidentsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentsApp.class);
    private static final long LOG_EVERY_MS = 60_000;
    private static final AtomicLong LAST_LOG = new AtomicLong();

    private final KafkaStreams streams;
    private final IncidentCounters counters = new IncidentCounters();

    /** @param metrics where the Streams client's own metrics and the app's counters go; null for none */
    public IncidentsApp(KafkaSettings settings, IncidentsOptions options, NfeMetrics metrics) {
        Properties config = config(settings, options);
        streams = new KafkaStreams(topology(settings, options, counters, config), config);
        streams.setUncaughtExceptionHandler(e -> {
            // the thread's tasks go back to their last commit and are redone: nothing is lost or doubled
            LOG.error("incidents app: a stream thread failed, replacing it: {}", e.toString(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        if (metrics != null) {
            metrics.bind(new KafkaStreamsMetrics(streams));
            metrics.functionCounter("nfe_incident_observations", "observations read by the incidents app",
                    counters::observations);
            metrics.functionCounter("nfe_incident_records", "host records published to the incidents topic",
                    counters::published);
            metrics.functionCounter("nfe_incident_observations_dropped", "observations dropped by the incidents app",
                    counters::sealed, "reason", "retention");
            metrics.functionCounter("nfe_incident_observations_dropped", "observations dropped by the incidents app",
                    counters::tooLate, "reason", "too_late");
            metrics.functionCounter("nfe_incident_observations_dropped", "observations dropped by the incidents app",
                    counters::capped, "reason", "cap");
        }
    }

    static Topology topology(KafkaSettings settings, IncidentsOptions options, IncidentCounters counters,
                             Properties config) {
        // with the app's own config (a bare Topology makes a default one, and Streams warns about it)
        Topology t = new Topology(new TopologyConfig(new StreamsConfig(config)));
        t.addSource("observations", new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                settings.topics().observations());
        t.addProcessor("incidents", () -> new IncidentsProcessor(options, counters), "observations");
        for (StoreBuilder<?> b : IncidentStores.builders()) {
            t.addStateStore(b, "incidents");
        }
        t.addSink("host-records", settings.topics().incidents(), new StringSerializer(), new ByteArraySerializer(),
                "incidents");
        return t;
    }

    static Properties config(KafkaSettings settings, IncidentsOptions options) {
        Properties defaults = new Properties();
        defaults.put(StreamsConfig.CLIENT_ID_CONFIG, "nfe-incidents-" + options.instanceId());
        defaults.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        // the processor handles bad records itself; this only silences Streams' advice about a
        // global thread that nfe does not use
        defaults.put("processing.exception.handler.global.enabled", "true");
        // in-memory stores: the directory holds only Streams' own bookkeeping; one per instance,
        // so that instances on one host (or in one test JVM) do not share it
        defaults.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(System.getProperty("java.io.tmpdir"), "nfe-streams",
                options.applicationId(), options.instanceId()).toString());
        Properties pinned = new Properties();
        pinned.put(StreamsConfig.APPLICATION_ID_CONFIG, options.applicationId());
        pinned.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        pinned.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(options.commitIntervalMs()));
        return settings.merge(defaults, pinned);
    }

    public void start() {
        streams.start();
    }

    /** Whether the app runs and owns its partitions (RUNNING), for tests and health. */
    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    public IncidentCounters counters() {
        return counters;
    }

    /** Commits what was processed and leaves the group (a successor restores the stores from their changelogs). */
    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        LOG.info("incidents app closed: {}", counters);
    }

    /** At most once a minute over all tasks. */
    static void logCounters(IncidentCounters counters) {
        long now = System.currentTimeMillis();
        long last = LAST_LOG.get();
        if (now - last >= LOG_EVERY_MS && LAST_LOG.compareAndSet(last, now)) {
            LOG.info("incidents: {}", counters);
        }
    }
}
