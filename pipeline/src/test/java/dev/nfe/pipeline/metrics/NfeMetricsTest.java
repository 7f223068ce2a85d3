package dev.nfe.pipeline.metrics;

import dev.nfe.pipeline.kafka.KafkaClientMetricsBinding;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics facade over real HTTP on a loopback port, read back by an independent parser. */
class NfeMetricsTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(NfeMetrics m, String path) throws Exception {
        return send(m, path, "GET");
    }

    private HttpResponse<String> send(NfeMetrics m, String path, String method) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + m.address().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private PrometheusText scrapeOverHttp(NfeMetrics m) throws Exception {
        HttpResponse<String> r = get(m, "/metrics");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
        return PrometheusText.parse(r.body());
    }

    @Test
    void countersGaugesAndOutcomesAreScrapedWithTheirTagsAndCurrentValues() throws Exception {
        AtomicLong packets = new AtomicLong(42);
        AtomicLong kernelDrops = new AtomicLong(3);
        AtomicLong openFlows = new AtomicLong(17);
        try (NfeMetrics m = NfeMetrics.open("agent", "127.0.0.1:0")) {
            assertTrue(m.address().getPort() > 0, "port 0 became a real port: " + m.address());
            m.functionCounter("nfe_packets", "packets read", packets::get);
            m.functionCounter("nfe_drops", "packets lost", kernelDrops::get, "reason", "kernel");
            m.functionCounter("nfe_drops", "packets lost", () -> 0, "reason", "queue_full");
            m.gauge("nfe_open_flows", "connections followed now", openFlows::get);
            m.countFinding("RESET_AFTER_CLIENT_HELLO");
            m.countFinding("RESET_AFTER_CLIENT_HELLO");
            m.countFinding("SERVER_ALERT");
            m.countSession("COMPLETED");

            PrometheusText t = scrapeOverHttp(m);
            assertEquals(42, t.value("nfe_packets_total", "role", "agent"));
            assertEquals(3, t.value("nfe_drops_total", "reason", "kernel", "role", "agent"));
            assertEquals(0, t.value("nfe_drops_total", "reason", "queue_full"));
            assertEquals(17, t.value("nfe_open_flows", "role", "agent"));
            assertEquals(2, t.value("nfe_findings_total", "outcome", "RESET_AFTER_CLIENT_HELLO", "role", "agent"));
            assertEquals(1, t.value("nfe_findings_total", "outcome", "SERVER_ALERT"));
            assertEquals(1, t.value("nfe_sessions_total", "outcome", "COMPLETED"));
            // the 0.0.4 text format names a counter's family with its _total
            assertEquals("counter", t.types().get("nfe_packets_total"));
            assertEquals("counter", t.types().get("nfe_findings_total"));
            assertEquals("gauge", t.types().get("nfe_open_flows"));
            assertEquals("packets read", t.help().get("nfe_packets_total"));
            // the JVM and process basics, with the role too
            assertFalse(t.find("jvm_memory_used_bytes", "role", "agent").isEmpty());
            assertFalse(t.find("process_uptime_seconds", "role", "agent").isEmpty());
            assertFalse(t.find("system_cpu_count", "role", "agent").isEmpty());
            for (PrometheusText.Sample s : t.samples()) {
                assertEquals("agent", s.labels().get("role"), "every series has the role: " + s);
            }

            // values are read at each scrape, from the caller's own counters
            packets.set(1_000_000_007L);
            openFlows.set(2);
            PrometheusText later = PrometheusText.parse(m.scrape());
            assertEquals(1_000_000_007L, later.value("nfe_packets_total"));
            assertEquals(2, later.value("nfe_open_flows"));
            assertEquals(1_000_000_007L, scrapeOverHttp(m).value("nfe_packets_total"));
        }
    }

    @Test
    void onlyGetMetricsIsServed() throws Exception {
        try (NfeMetrics m = NfeMetrics.open("dissect", "127.0.0.1:0")) {
            for (String path : new String[] {"/", "/metric", "/metrics/x", "/favicon.ico", "/metricsx"}) {
                assertEquals(404, get(m, path).statusCode(), path);
            }
            assertEquals(200, get(m, "/metrics?name[]=x").statusCode(), "a query does not change the path");
            HttpResponse<String> post = send(m, "/metrics", "POST");
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(null));
            assertEquals(200, send(m, "/metrics", "HEAD").statusCode());
        }
    }

    @Test
    void aPortInUseIsAnErrorThatNamesTheAddress() throws Exception {
        try (NfeMetrics first = NfeMetrics.open("dissect", "127.0.0.1:0")) {
            String taken = "127.0.0.1:" + first.address().getPort();
            IOException e = assertThrows(IOException.class, () -> NfeMetrics.open("dissect", taken));
            assertTrue(e.getMessage().contains("cannot serve metrics on " + taken), e.getMessage());
            assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("in use"), e.getMessage());
            // the first one is unharmed
            assertEquals(200, get(first, "/metrics").statusCode());
        }
    }

    @Test
    void addressesAreCheckedBeforeAnythingIsBound() {
        for (String bad : new String[] {"9100", "localhost", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "::1:9100",
                "[]:9100", "host:port"}) {
            assertThrows(IllegalArgumentException.class, () -> NfeMetrics.open("agent", bad), bad);
        }
        IOException e = assertThrows(IOException.class, () -> NfeMetrics.open("agent", "no-such-host.invalid:0"));
        assertTrue(e.getMessage().contains("no-such-host.invalid:0"), e.getMessage());
    }

    @Test
    void withoutAnAddressThereIsARegistryAndNoServer() throws Exception {
        try (NfeMetrics m = NfeMetrics.open("dissect", null)) {
            assertNull(m.address());
            m.countFinding("NO_SERVER_RESPONSE");
            PrometheusText t = PrometheusText.parse(m.scrape());
            assertEquals(1, t.value("nfe_findings_total", "outcome", "NO_SERVER_RESPONSE", "role", "dissect"));
        }
    }

    @Test
    void closeStopsTheServer() throws Exception {
        NfeMetrics m = NfeMetrics.open("agent", "127.0.0.1:0");
        assertEquals(200, get(m, "/metrics").statusCode());
        m.close();
        assertThrows(IOException.class, () -> get(m, "/metrics"));
        m.close(); // twice is fine
    }

    @Test
    void aSupplierThatFailsIsNaNAndTheScrapeGoesOn() throws Exception {
        try (NfeMetrics m = NfeMetrics.open("agent", "127.0.0.1:0")) {
            m.functionCounter("nfe_segments", "segments", () -> {
                throw new IllegalStateException("broken");
            });
            m.gauge("nfe_open_flows", "flows", () -> null);
            m.functionCounter("nfe_packets", "packets", () -> 5);
            PrometheusText t = scrapeOverHttp(m);
            assertTrue(Double.isNaN(t.value("nfe_segments_total")));
            assertTrue(Double.isNaN(t.value("nfe_open_flows")));
            assertEquals(5, t.value("nfe_packets_total"));
        }
    }

    @Test
    void aKafkaProducersOwnMetricsAreExposed() throws Exception {
        Properties p = new Properties();
        // nothing listens there: the producer's metrics exist from its construction on
        p.put("bootstrap.servers", "127.0.0.1:1");
        p.put("client.id", "metrics-test");
        p.put("reconnect.backoff.ms", "1000");
        p.put("reconnect.backoff.max.ms", "1000");
        try (NfeMetrics m = NfeMetrics.open("agent", "127.0.0.1:0");
             Producer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            KafkaClientMetricsBinding.bind(m, producer);
            PrometheusText t = scrapeOverHttp(m);
            assertEquals(0, t.value("kafka_producer_record_send_total", "client_id", "metrics-test", "role", "agent"));
            assertEquals(0, t.value("kafka_producer_record_error_total", "client_id", "metrics-test"));
            assertEquals("counter", t.types().get("kafka_producer_record_send_total"));
        }
    }
}
