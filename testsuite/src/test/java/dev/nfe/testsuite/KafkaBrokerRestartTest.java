package dev.nfe.testsuite;

import dev.nfe.pipeline.kafka.KafkaSettings;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end through a broker started by deploy/kafka, all parts as separate processes:
 * {@code nfe agent} publishes the large loopback capture, {@code nfe dissect} consumes it, and
 * the broker is stopped and started again while the agent publishes. Afterwards the findings
 * topic holds every finding once, sessions and findings equal offline replay's, and
 * {@code nfe findings} prints them.
 */
class KafkaBrokerRestartTest {

    @Test
    void theBrokerRestartsWhileTheAgentPublishesAndNothingIsLostOrDoubled() throws Exception {
        String large = LargeCapture.pcap().toString();
        OfflineResults expected = OfflineResults.of(List.of(large));
        Path agentLog = Files.createTempFile("nfe-agent", ".log");
        Path dissectLog = Files.createTempFile("nfe-dissect", ".log");
        try (DeployedKafka kafka = new DeployedKafka()) {
            DeployedKafka.Run start = kafka.script("start");
            assertEquals(0, start.exit(), start.describe());
            KafkaSettings s = KafkaSettings.of(kafka.bootstrap(), null, "restart.");

            Process dissector = KafkaFaultsTest.dissector(kafka.bootstrap(), "restart.", "restart", dissectLog);
            List<String> agentCmd = new ArrayList<>(Nfe.command());
            agentCmd.addAll(List.of("agent", "--read", large, "--kafka", kafka.bootstrap(), "--topic-prefix", "restart.",
                    "--agent-id", "restart-agent"));
            Process agent = new ProcessBuilder(agentCmd).directory(Nfe.root().toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.appendTo(agentLog.toFile())).start();
            try (Admin admin = Admin.create(KafkaReads.client(kafka.bootstrap()))) {
                // stop the broker once the agent is well under way, but before it is done
                KafkaReads.await("the agent to publish", 120_000, () -> {
                    try {
                        return admin.listTopics().names().get().contains(s.topics().segments())
                                && KafkaFaultsTest.endTotal(admin, s.topics().segments()) > 20_000;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
            DeployedKafka.Run stop = kafka.script("stop");
            assertEquals(0, stop.exit(), stop.describe());
            assertTrue(agent.isAlive(), "the agent was still publishing when the broker went away");
            Thread.sleep(3000);
            // a restarted broker that serves but never logs its start is deploy/kafka/start's case
            DeployedKafka.Run again = kafka.script("start");
            assertEquals(0, again.exit(), again.describe());

            assertTrue(agent.waitFor(300, TimeUnit.SECONDS), "agent finished");
            String agentErr = Files.readString(agentLog, StandardCharsets.UTF_8);
            assertEquals(0, agent.exitValue(), agentErr);
            try (Admin admin = Admin.create(KafkaReads.client(kafka.bootstrap()))) {
                KafkaReads.await("the dissector to finish", 300_000, () -> {
                    try {
                        return KafkaReads.caughtUp(admin, "restart", s.topics().segments());
                    } catch (Exception e) {
                        return false;
                    }
                });
            } finally {
                dissector.destroy(); // SIGTERM: commits and exits 0
                assertTrue(dissector.waitFor(60, TimeUnit.SECONDS));
            }
            String dissectErr = Files.readString(dissectLog, StandardCharsets.UTF_8);
            assertEquals(0, dissector.exitValue(), dissectErr);

            List<String> findings = KafkaPipelineTest.findings(kafka.bootstrap(), s);
            KafkaFaultsTest.assertNoDuplicateIds(findings);
            KafkaPipelineTest.assertSameRecords(expected.findings(), findings, "findings");
            KafkaPipelineTest.assertSameRecords(expected.sessions(), KafkaPipelineTest.sessions(kafka.bootstrap(), s),
                    "sessions");

            // and a person reads them back with the findings CLI, committed records only
            Nfe.Run printed = Nfe.run("findings", "--kafka", kafka.bootstrap(), "--topic-prefix", "restart.",
                    "--format", "jsonl", "--outcome", "RESET_AFTER_CLIENT_HELLO");
            assertEquals(0, printed.exit(), printed.stderr());
            long resets = expected.findings().stream().filter(f -> f.contains("\"RESET_AFTER_CLIENT_HELLO\"")).count();
            assertTrue(resets > 100);
            List<String> findingLines = printed.lines().stream().filter(l -> l.startsWith("{\"record\":\"finding\""))
                    .toList();
            assertEquals(resets, findingLines.size(), printed.stderr());
            assertTrue(findingLines.stream().allMatch(l -> l.contains("\"kind\":\"RESET_AFTER_CLIENT_HELLO\"")),
                    findingLines.get(0));
            // the incidents printed too are those with findings of that kind
            assertTrue(printed.lines().stream().filter(l -> !l.startsWith("{\"record\":\"finding\""))
                    .allMatch(l -> l.startsWith("{\"record\":\"incident\"") && l.contains("\"RESET_AFTER_CLIENT_HELLO\":")),
                    printed.stdout());
            // in time order, although they come from three partitions
            List<String> times = findingLines.stream()
                    .map(l -> l.substring(l.indexOf("\"ts\":\"") + 6, l.indexOf('"', l.indexOf("\"ts\":\"") + 6)))
                    .toList();
            List<String> sorted = new ArrayList<>(times);
            sorted.sort(null);
            assertEquals(sorted, times, "findings printed in time order");
        } finally {
            Files.deleteIfExists(agentLog);
            Files.deleteIfExists(dissectLog);
        }
    }
}
