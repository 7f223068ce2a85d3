package dev.nfe.testsuite;

import dev.nfe.dissect.DissectorConfig;
import dev.nfe.pipeline.Defaults;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.TopicSetup;
import dev.nfe.pipeline.kafka.dissect.DissectOptions;
import dev.nfe.pipeline.kafka.dissect.KafkaDissector;
import dev.nfe.pipeline.kafka.incidents.IncidentsApp;
import dev.nfe.pipeline.kafka.incidents.IncidentsOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incidents on the Kafka path against a real (in-JVM KRaft) broker: the agent publishes a finished
 * capture, two dissector instances (each with its incidents app) share the partitions, and the
 * incidents topic ends up holding exactly replay's incidents for the same capture, every field
 * (incident_id and summary) included. A server's observations come from several dissectors here.
 */
class KafkaIncidentsTest extends WithKafka {
    private static final String INCIDENTS = "src/test/resources/dev/nfe/testsuite/incidents/";



    @Test
    void aCrashLoopGivesReplaysIncidentWithItsRecurrence() throws Exception {
        String capture = Nfe.root().resolve("testsuite/" + INCIDENTS + "crash-loop-5s/capture.pcap").toString();
        OfflineResults expected = OfflineResults.of(List.of(capture));
        assertFalse(expected.incidents().isEmpty());
        assertTrue(expected.incidents().stream().anyMatch(i -> i.contains("\"recurrence\": {\"period_s\"")),
                "replay finds the 5 s period: " + expected.incidents());
        throughKafka("loop.", List.of(capture), expected);
        // nfe report --kafka: the report of the committed topics is replay's report
        KafkaReportCompare.sameReport(kafka.bootstrap(), "loop.", capture);
    }

    @Test
    void aCrashOnOneSniGivesReplaysIncidentWithItsDiscriminator() throws Exception {
        String capture = Nfe.root().resolve("testsuite/" + INCIDENTS + "crash-on-sni/capture.pcap").toString();
        OfflineResults expected = OfflineResults.of(List.of(capture));
        assertTrue(expected.incidents().stream().anyMatch(i -> i.contains("{\"feature\": \"sni\"")),
                "replay names the SNI: " + expected.incidents());
        throughKafka("sni.", List.of(capture), expected);
        KafkaReportCompare.sameReport(kafka.bootstrap(), "sni.", capture);
        KafkaReportCompare.refusals(kafka.bootstrap(), "sni.");
    }

    @Test
    void theLoopbackSampleGivesReplaysIncidentsAtEveryServer() throws Exception {
        String capture = Nfe.root().resolve("samples/loopback/capture.pcap").toString();
        OfflineResults expected = OfflineResults.of(List.of(capture));
        assertTrue(expected.incidents().size() >= 2, "several servers with incidents: " + expected.incidents());
        KafkaSettings s = throughKafka("sample.", List.of(capture), expected);

        // nfe findings prints them as replay does: the same incident records, the same stories
        Nfe.Run jsonl = Nfe.run("findings", "--kafka", kafka.bootstrap(), "--topic-prefix", "sample.",
                "--format", "jsonl");
        assertEquals(0, jsonl.exit(), jsonl.stderr());
        Nfe.Run replayJsonl = Nfe.run("replay", "--format", "jsonl", capture);
        assertEquals(incidentLines(replayJsonl.lines()), incidentLines(jsonl.lines()));
        Nfe.Run text = Nfe.run("findings", "--kafka", kafka.bootstrap(), "--topic-prefix", "sample.");
        assertEquals(0, text.exit(), text.stderr());
        Nfe.Run replayText = Nfe.run("replay", capture);
        List<String> stories = stories(replayText.lines());
        assertTrue(stories.size() >= 2, replayText.stdout());
        assertEquals(stories, stories(text.lines()));
        assertTrue(text.stdout().contains(expected.incidents().size() + " incidents on " + s.topics().incidents()),
                text.stdout());
    }

    /** Publishes, runs two dissectors with their incidents apps, and waits for replay's incidents. */
    private KafkaSettings throughKafka(String prefix, List<String> captures, OfflineResults expected)
            throws Exception {
        KafkaSettings s = KafkaSettings.of(kafka.bootstrap(), null, prefix);
        TopicSetup.ensure(s, 6);
        String group = prefix.replace(".", "");
        List<KafkaDissector> ds = new ArrayList<>();
        List<IncidentsApp> apps = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                KafkaDissector d = new KafkaDissector(s, new DissectOptions(group, "i" + i, 200,
                        DissectorConfig.defaults("")));
                IncidentsApp app = new IncidentsApp(s, IncidentsOptions.defaults(group, "i" + i, 200,
                        Defaults.INCIDENT_GAP_SECONDS * 1_000_000_000L, Defaults.INCIDENT_MIN), null);
                app.start();
                Thread t = new Thread(d::run, group + "-i" + i);
                t.start();
                ds.add(d);
                apps.add(app);
                threads.add(t);
            }
            KafkaReads.await("both dissectors to own partitions", 60_000,
                    () -> ds.stream().allMatch(d -> d.assignedPartitions() > 0));
            KafkaPipelineTest.publish(s, captures, Defaults.PAYLOAD_BUDGET);
            KafkaReads.await("the dissectors to finish", 120_000, () -> {
                try {
                    return KafkaReads.caughtUp(admin, group, s.topics().segments());
                } catch (Exception e) {
                    return false;
                }
            });
            KafkaIncidents.awaitEqual(kafka.bootstrap(), s, expected.incidents(), 60_000);
            long observations = apps.stream().mapToLong(a -> a.counters().observations()).sum();
            assertTrue(apps.stream().allMatch(a -> a.counters().observations() > 0)
                    || apps.stream().allMatch(a -> a.counters().sourcesCompleted() > 0),
                    "both apps took part: " + apps.get(0).counters() + " / " + apps.get(1).counters());
            assertTrue(observations > 0);
            assertEquals(0, apps.stream().mapToLong(a -> a.counters().tooLate() + a.counters().capped()).sum());
        } finally {
            ds.forEach(KafkaDissector::stop);
            for (Thread t : threads) {
                t.join(30_000);
            }
            apps.forEach(IncidentsApp::close);
        }
        return s;
    }

    private static List<String> incidentLines(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("{\"record\": \"incident\"") || l.startsWith("{\"record\":\"incident\"")) {
                out.add(l);
            }
        }
        out.sort(null);
        assertFalse(out.isEmpty(), "no incident lines in " + lines.size() + " lines");
        return out;
    }

    /** The incident paragraphs of the text output (between the heading and the findings). */
    private static List<String> stories(List<String> lines) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String l : lines) {
            if (l.startsWith("Incidents")) {
                in = true;
            } else if (l.startsWith("Findings")) {
                break;
            } else if (in && !l.isBlank()) {
                out.add(l.replaceFirst("^\\s*#\\d+\\s+", ""));
            }
        }
        out.sort(null);
        return out;
    }
}
