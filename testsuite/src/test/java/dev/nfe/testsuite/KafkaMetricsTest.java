package dev.nfe.testsuite;

import dev.nfe.pipeline.Defaults;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.TopicSetup;
import dev.nfe.pipeline.kafka.agent.AgentOptions;
import dev.nfe.pipeline.kafka.agent.AgentReport;
import dev.nfe.pipeline.kafka.agent.KafkaAgent;
import dev.nfe.pipeline.metrics.NfeMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Prometheus metrics of a real agent and a real dissector (its own process, started as
 * {@code nfe dissect --metrics 127.0.0.1:0}, which logs where it serves) against a real
 * broker: the findings and sessions they count, by outcome, are exactly what offline replay
 * finds in the same captures, and the Kafka clients' own metrics are there.
 */
class KafkaMetricsTest {
    private static final Pattern SERVING = Pattern.compile("metrics on (http://\\S+/metrics)");

    @Test
    void countedFindingsAndSessionsByOutcomeEqualOfflineReplayAndKafkaClientMetricsAreThere() throws Exception {
        List<String> files = List.of(Nfe.shared().resolve("captures/loopback-small/capture.pcap").toString(),
                Nfe.shared().resolve("corpus/ntop+nDPI/tests/cfgs/default/pcap/sites.pcapng").toString());
        OfflineResults offline = OfflineResults.of(files);
        Map<String, Long> findings = countBy(offline.findings(), "kind");
        Map<String, Long> sessions = countBy(offline.sessions(), "outcome");
        assertTrue(findings.size() >= 5, "findings of several outcomes: " + findings);

        Path log = Files.createTempFile("nfe-dissect-metrics", ".log");
        try (InJvmKafka kafka = new InJvmKafka(); Admin admin = Admin.create(KafkaReads.client(kafka.bootstrap()))) {
            KafkaSettings s = KafkaSettings.of(kafka.bootstrap(), null, "metrics.");
            TopicSetup.ensure(s, 6);
            List<String> cmd = new ArrayList<>(Nfe.command());
            cmd.addAll(List.of("dissect", "--kafka", kafka.bootstrap(), "--topic-prefix", "metrics.", "--group",
                    "metrics", "--instance-id", "m0", "--commit-interval", "200", "--metrics", "127.0.0.1:0"));
            Process dissect = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            try {
                String[] url = new String[1];
                KafkaReads.await("the dissector to log its metrics address", 30_000, () -> {
                    Matcher m = SERVING.matcher(read(log));
                    url[0] = m.find() ? m.group(1) : null;
                    return url[0] != null || !dissect.isAlive();
                });
                assertTrue(dissect.isAlive(), read(log));
                assertTrue(url[0].startsWith("http://127.0.0.1:") && !url[0].startsWith("http://127.0.0.1:0/"), url[0]);

                AgentReport r;
                try (NfeMetrics agentMetrics = NfeMetrics.open("agent", "127.0.0.1:0")) {
                    r = new KafkaAgent(s, AgentOptions.defaults("metrics-agent", Long.MAX_VALUE,
                            Defaults.SEGMENT_PARTITIONS, CaptureFiles::open), agentMetrics).run(files);
                    assertEquals(0, r.exitCode(), "" + r.errors());
                    Scrape a = Scrape.of("http://127.0.0.1:" + agentMetrics.address().getPort() + "/metrics");
                    assertEquals(r.frames(), a.sum("nfe_packets_total", "role", "agent"));
                    assertEquals(r.segments(), a.sum("nfe_segments_total", "role", "agent"));
                    assertTrue(a.sum("nfe_bytes_total") > 40.0 * r.frames(), "at least headers: " + a.sum("nfe_bytes_total"));
                    assertEquals(0, a.sum("nfe_drops_total", "reason", "kafka"));
                    // the producer's own view: every segment and marker sent, none failed
                    String agentClient = "nfe-agent-metrics-agent";
                    assertTrue(a.sum("kafka_producer_record_send_total", "client_id", agentClient, "role", "agent")
                            >= r.segments(), "" + a.find("kafka_producer_record_send_total"));
                    assertEquals(0, a.sum("kafka_producer_record_error_total", "client_id", agentClient));
                    assertFalse(a.find("jvm_memory_used_bytes", "role", "agent").isEmpty());
                }

                long findingsTotal = findings.values().stream().mapToLong(Long::longValue).sum();
                long sessionsTotal = sessions.values().stream().mapToLong(Long::longValue).sum();
                Scrape[] last = new Scrape[1];
                KafkaReads.await("the dissector to count " + findingsTotal + " findings", 60_000, () -> {
                    try {
                        last[0] = Scrape.of(url[0]);
                        return last[0].sum("nfe_findings_total") >= findingsTotal
                                && last[0].sum("nfe_sessions_total") >= sessionsTotal
                                && KafkaReads.caughtUp(admin, "metrics", s.topics().segments());
                    } catch (Exception e) {
                        return false;
                    }
                });
                Scrape d = Scrape.of(url[0]);
                assertEquals(findings, d.byLabel("nfe_findings_total", "outcome"), "findings by outcome");
                assertEquals(sessions, d.byLabel("nfe_sessions_total", "outcome"), "sessions by outcome");
                for (Scrape.Sample x : d.find("nfe_findings_total")) {
                    assertEquals("dissect", x.labels().get("role"));
                }
                // one instance, no takeover: every record read once, nothing dead-lettered or left open
                assertEquals(r.segments(), d.sum("nfe_segments_total", "role", "dissect"));
                assertTrue(d.sum("nfe_markers_total") > 0);
                assertEquals(d.sum("nfe_segments_total") + d.sum("nfe_markers_total"), d.sum("nfe_records_total"));
                assertEquals(0, d.sum("nfe_dead_letters_total"));
                assertEquals(0, d.sum("nfe_open_flows"));
                assertEquals(6, d.sum("nfe_partitions"));
                assertTrue(d.sum("nfe_transactions_total", "result", "committed") > 0);
                assertEquals(0, d.sum("nfe_transactions_total", "result", "aborted"));
                // the consumer's and the transactional producer's own metrics
                assertTrue(d.sum("kafka_consumer_fetch_manager_records_consumed_total", "client_id", "nfe-dissect-m0",
                        "role", "dissect") >= d.sum("nfe_records_total"),
                        "" + d.find("kafka_consumer_fetch_manager_records_consumed_total"));
                assertFalse(d.find("kafka_producer_record_send_total", "client_id", "nfe-dissect-m0-out").isEmpty(),
                        "the dissector's producer");
            } finally {
                dissect.destroy(); // SIGTERM: commits and exits 0
                assertTrue(dissect.waitFor(60, TimeUnit.SECONDS));
            }
            assertEquals(0, dissect.exitValue(), read(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void aBadOrTakenMetricsAddressStopsTheCommandsBeforeTheyStart() throws Exception {
        String sample = Nfe.root().resolve("samples/loopback/capture.pcap").toString();
        // nothing listens on the Kafka address: the commands must fail before they try it
        Nfe.Run bad = Nfe.run("agent", "--read", sample, "--kafka", "127.0.0.1:1", "--metrics", "9100");
        assertEquals(2, bad.exit(), bad.stderr());
        assertTrue(bad.stderr().contains("--metrics '9100' is not HOST:PORT or :PORT"), bad.stderr());
        try (NfeMetrics taken = NfeMetrics.open("agent", "127.0.0.1:0")) {
            String at = "127.0.0.1:" + taken.address().getPort();
            Nfe.Run busy = Nfe.run("dissect", "--kafka", "127.0.0.1:1", "--metrics", at);
            assertEquals(2, busy.exit(), busy.stderr());
            assertTrue(busy.stderr().contains("nfe: cannot serve metrics on " + at + ": "), busy.stderr());
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Records (Avro JSON text) counted by one field. */
    private static Map<String, Long> countBy(List<String> records, String field) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, Long> out = new TreeMap<>();
        for (String r : records) {
            out.merge(json.readTree(r).get(field).asText(), 1L, Long::sum);
        }
        return out;
    }
}
