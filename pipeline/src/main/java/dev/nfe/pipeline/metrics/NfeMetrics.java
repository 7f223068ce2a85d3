package dev.nfe.pipeline.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The metrics of one nfe process (an agent or a dissector), in Prometheus form: one Micrometer
 * registry of its own (never Micrometer's global one), the JVM and process basics, the Kafka
 * clients' own metrics, and optionally {@code GET /metrics} over HTTP.
 *
 * <p>Names are given in Prometheus form without the {@code _total} that the exposition adds to
 * counters: {@code functionCounter("nfe_packets", ...)} is scraped as {@code nfe_packets_total}.
 * Every series carries the common tag {@code role} (agent or dissect). Tags are
 * {@code key, value} pairs; all series of one name must use the same tag keys.
 *
 * <p>Values are read when scraped, on the HTTP thread: a supplier must be safe to call from any
 * thread ({@code AtomicLong::get}, a volatile read, an immutable snapshot), and should be cheap. A
 * supplier that throws or returns null shows as NaN. Thread-safe.
 */
public final class NfeMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NfeMetrics.class);

    private final PrometheusMeterRegistry registry;
    private final MetricsEndpoint endpoint;
    /** Suppliers of function counters: Micrometer keeps only a weak reference to them. */
    private final List<Probe> probes = new ArrayList<>();
    private final Map<String, Counter> findings = new ConcurrentHashMap<>();
    private final Map<String, Counter> sessions = new ConcurrentHashMap<>();
    private final List<MeterBinder> binders = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private ScheduledExecutorService refresher;

    private NfeMetrics(PrometheusMeterRegistry registry, MetricsEndpoint endpoint) {
        this.registry = registry;
        this.endpoint = endpoint;
    }

    /**
     * Opens the metrics of a process.
     *
     * @param role   {@code agent} or {@code dissect}: the tag {@code role} on every series
     * @param listen {@code HOST:PORT}, {@code [IPv6]:PORT} or {@code :PORT} (every interface) to
     *               serve {@code GET /metrics} on, port 0 for any free one ({@link #address()}
     *               tells which); null for the registry alone, no HTTP
     * @throws IOException              naming the address when it cannot be bound or resolved
     * @throws IllegalArgumentException when {@code listen} is not of that form, or role is blank
     */
    public static NfeMetrics open(String role, String listen) throws IOException {
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("a metrics role is needed (agent or dissect)");
        }
        InetSocketAddress at = listen == null ? null : ListenAddress.parse(listen);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("role", role);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        MetricsEndpoint endpoint = null;
        if (at != null) {
            try {
                endpoint = MetricsEndpoint.start(at, listen, () -> exposition(registry));
            } catch (IOException e) {
                registry.close();
                throw e;
            }
            InetSocketAddress bound = endpoint.address();
            if (bound.getAddress() != null && bound.getAddress().isAnyLocalAddress()) {
                LOG.info("metrics on http://localhost:{}{} (every interface)", bound.getPort(), MetricsEndpoint.PATH);
            } else {
                LOG.info("metrics on http://{}{}", ListenAddress.format(bound), MetricsEndpoint.PATH);
            }
        }
        return new NfeMetrics(registry, endpoint);
    }

    private static String exposition(PrometheusMeterRegistry registry) {
        // the Accept value picks the writer: always the classic text format, which every Prometheus reads
        return registry.scrape(MetricsEndpoint.CONTENT_TYPE);
    }

    /**
     * A monotonic counter kept by the caller (an {@code AtomicLong}, a snapshot field), read at
     * each scrape. Registering the same name and tags again keeps the first supplier.
     */
    public void functionCounter(String name, String description, Supplier<Number> value, String... tags) {
        Probe p = new Probe(name, value);
        synchronized (probes) {
            probes.add(p);
        }
        FunctionCounter.builder(name, p, Probe::read).description(description).tags(Tags.of(tags)).register(registry);
    }

    /** A value that goes up and down (open flows, queue depth), read at each scrape. */
    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, new Probe(name, value), Probe::read).strongReference(true).description(description)
                .tags(Tags.of(tags)).register(registry);
    }

    /** One more finding with this outcome: {@code nfe_findings_total{outcome=...}}. */
    public void countFinding(String outcome) {
        findings.computeIfAbsent(Objects.requireNonNull(outcome, "outcome"), o -> Counter.builder("nfe_findings")
                .description("findings published, by outcome").tag("outcome", o).register(registry)).increment();
    }

    /** One more session with this outcome: {@code nfe_sessions_total{outcome=...}}. */
    public void countSession(String outcome) {
        sessions.computeIfAbsent(Objects.requireNonNull(outcome, "outcome"), o -> Counter.builder("nfe_sessions")
                .description("sessions published, by outcome").tag("outcome", o).register(registry)).increment();
    }

    /**
     * Adds the meters of {@code binder} (a client library's own metrics, say); it is closed with
     * these metrics when it is {@link AutoCloseable}. Nothing is bound after {@link #close}.
     */
    public void bind(MeterBinder binder) {
        synchronized (binders) {
            if (!closed.get()) {
                binder.bindTo(registry);
                binders.add(binder);
            }
        }
    }

    /**
     * A daemon thread for binders that look for new meters periodically (Kafka's per-topic and
     * per-node metrics appear after the client first uses them); shut down with these metrics.
     */
    public ScheduledExecutorService refresher() {
        synchronized (binders) {
            if (refresher == null) {
                refresher = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "nfe-metrics-refresh");
                    t.setDaemon(true);
                    return t;
                });
            }
            return refresher;
        }
    }

    /** The Prometheus text exposition (format 0.0.4), what {@code GET /metrics} answers. */
    public String scrape() {
        return exposition(registry);
    }

    /** Where {@code GET /metrics} is served (the real port when 0 was asked for); null without HTTP. */
    public InetSocketAddress address() {
        return endpoint == null ? null : endpoint.address();
    }

    /** Stops the HTTP endpoint and the binders. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (endpoint != null) {
            endpoint.close();
        }
        synchronized (binders) {
            for (MeterBinder b : binders) {
                if (b instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        LOG.debug("closing a metrics binder: {}", e.toString());
                    }
                }
            }
            binders.clear();
            if (refresher != null) {
                refresher.shutdownNow();
            }
        }
        registry.close();
    }

    /** A caller's supplier, read on the HTTP thread: its failure is a NaN and one warning, not a failed scrape. */
    private static final class Probe {
        private final String name;
        private final Supplier<Number> value;
        private volatile boolean warned;

        Probe(String name, Supplier<Number> value) {
            this.name = name;
            this.value = Objects.requireNonNull(value, "value");
        }

        double read() {
            try {
                Number n = value.get();
                return n == null ? Double.NaN : n.doubleValue();
            } catch (RuntimeException e) {
                if (!warned) {
                    warned = true;
                    LOG.warn("metric {} cannot be read: {}", name, e.toString());
                }
                return Double.NaN;
            }
        }
    }
}
