package dev.nfe.testsuite;

import dev.nfe.pipeline.Defaults;

import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.TopicSetup;
import dev.nfe.pipeline.kafka.agent.AgentOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly once under faults, with real processes: a dissector killed with SIGKILL in the middle
 * of the large loopback capture and started again. Afterwards the findings topic holds every
 * finding once, and sessions, findings and incidents equal offline replay's. The incidents app is
 * also killed on its own in the middle of its work.
 */
class KafkaFaultsTest extends WithKafka {
    private OfflineResults expected;
    private String large;

    @BeforeAll
    void expectations() throws Exception {
        large = LargeCapture.pcap().toString();
        expected = OfflineResults.of(List.of(large));
    }


    /** {@code nfe dissect} as its own process, its stderr to a file. */
    static Process dissector(String bootstrap, String prefix, String group, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(Nfe.command());
        cmd.addAll(List.of("dissect", "--kafka", bootstrap, "--topic-prefix", prefix, "--group", group,
                "--instance-id", "only", "--commit-interval", "200"));
        return new ProcessBuilder(cmd).directory(Nfe.root().toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    static long committedTotal(Admin admin, String group) throws Exception {
        long n = 0;
        for (OffsetAndMetadata om : KafkaReads.committed(admin, group).values()) {
            n += om.offset();
        }
        return n;
    }

    static long endTotal(Admin admin, String topic) throws Exception {
        return KafkaReads.endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void aDissectorKilledMidStreamAndRestartedPublishesEveryResultOnce() throws Exception {
        KafkaSettings s = KafkaSettings.of(kafka.bootstrap(), null, "kill.");
        TopicSetup.ensure(s, 6);
        KafkaPipelineTest.publish(s, List.of(large), Defaults.PAYLOAD_BUDGET);
        long end = endTotal(admin, s.topics().segments());
        Path log = Files.createTempFile("nfe-dissect", ".log");

        Process first = dissector(kafka.bootstrap(), "kill.", "kill", log);
        long[] atKill = new long[1];
        try {
            KafkaReads.await("a first commit", 120_000, () -> {
                try {
                    atKill[0] = committedTotal(admin, "kill");
                    return atKill[0] > 0;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, the open transaction is left behind
            first.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(atKill[0] < end, "killed mid-stream: " + atKill[0] + " of " + end + " committed");

        Process second = dissector(kafka.bootstrap(), "kill.", "kill", log);
        try {
            KafkaReads.await("the restarted dissector to finish", 180_000, () -> {
                try {
                    return KafkaReads.caughtUp(admin, "kill", s.topics().segments());
                } catch (Exception e) {
                    return false;
                }
            });
            // the incidents app died with it, and its successor gives replay's incidents
            KafkaIncidents.awaitEqual(kafka.bootstrap(), s, expected.incidents(), 120_000);
        } finally {
            second.destroy(); // SIGTERM: commits and exits 0
            assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        }
        String stderr = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, second.exitValue(), stderr);
        assertTrue(stderr.contains("resuming at offset"), stderr);

        List<String> findings = KafkaPipelineTest.findings(kafka.bootstrap(), s);
        assertNoDuplicateIds(findings);
        KafkaPipelineTest.assertSameRecords(expected.findings(), findings, "findings");
        KafkaPipelineTest.assertSameRecords(expected.sessions(), KafkaPipelineTest.sessions(kafka.bootstrap(), s),
                "sessions");
        Files.deleteIfExists(log);
    }

    /**
     * The observations of the large capture are all published first (by an in-JVM dissector), then
     * an {@code nfe dissect} process works through them with its incidents app and is killed with
     * SIGKILL once the app has committed part of them: its open transaction (stores, offsets, host
     * records) is left behind. The restarted process restores the stores from their changelogs and
     * ends with replay's incidents: no host record stale, no incident twice.
     */
    @Test
    void anIncidentsAppKilledMidRunAndRestartedGivesReplaysIncidents() throws Exception {
        KafkaSettings s = KafkaSettings.of(kafka.bootstrap(), null, "inckill.");
        TopicSetup.ensure(s, 6);
        KafkaPipelineTest.publish(s, List.of(large), Defaults.PAYLOAD_BUDGET);
        dev.nfe.pipeline.kafka.dissect.KafkaDissector d = new dev.nfe.pipeline.kafka.dissect.KafkaDissector(s,
                new dev.nfe.pipeline.kafka.dissect.DissectOptions("inckill", "inJvm", 200,
                        dev.nfe.dissect.DissectorConfig.defaults("")));
        Thread t = new Thread(d::run, "inckill-dissector");
        t.start();
        try {
            KafkaReads.await("the dissector to finish", 180_000, () -> {
                try {
                    return KafkaReads.caughtUp(admin, "inckill", s.topics().segments());
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            d.stop();
            t.join(30_000);
        }
        String app = "nfe-incidents-inckill";
        long end = endTotal(admin, s.topics().observations());
        Path log = Files.createTempFile("nfe-incidents", ".log");
        Process first = dissector(kafka.bootstrap(), "inckill.", "inckill", log);
        long[] atKill = new long[1];
        try {
            KafkaReads.await("the incidents app's first commit", 120_000, () -> {
                try {
                    atKill[0] = committedTotal(admin, app);
                    return atKill[0] > 0;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(atKill[0] < end, "killed mid-run: " + atKill[0] + " of " + end + " committed");
        assertTrue(!KafkaIncidents.latest(kafka.bootstrap(), s).equals(expected.incidents()),
                "killed before the incidents were complete");

        Process second = dissector(kafka.bootstrap(), "inckill.", "inckill", log);
        try {
            KafkaIncidents.awaitEqual(kafka.bootstrap(), s, expected.incidents(), 120_000);
        } finally {
            second.destroy();
            assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        }
        assertEquals(0, second.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        Files.deleteIfExists(log);
    }

    static void assertNoDuplicateIds(List<String> findings) {
        Set<String> ids = new HashSet<>();
        for (String f : findings) {
            int i = f.indexOf("\"finding_id\": \"");
            String id = f.substring(i + 15, f.indexOf('"', i + 15));
            assertTrue(ids.add(id), "finding " + id + " published twice");
        }
        assertTrue(ids.size() > 1000, "findings: " + ids.size());
    }
}
