package dev.nfe.testsuite;

import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.codec.AvroValues;
import dev.nfe.schema.v1.HostIncidents;
import dev.nfe.schema.v1.Incident;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The incidents topic read back as a user would: the latest committed record of each host. */
final class KafkaIncidents {
    private KafkaIncidents() {
    }

    /**
     * Every incident of the latest record of every host, as canonical Avro JSON, sorted; fails when a
     * record is keyed by another host than it names, or an id appears twice.
     */
    static List<String> latest(String bootstrap, KafkaSettings s) throws Exception {
        Map<String, byte[]> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaReads.readAll(bootstrap, s.topics().incidents())) {
            String host = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                latest.remove(host);
            } else {
                latest.put(host, r.value());
            }
        }
        List<String> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Map.Entry<String, byte[]> e : latest.entrySet()) {
            HostIncidents h = AvroValues.decodeHostIncidents(e.getValue());
            if (!h.getHost().equals(e.getKey())) {
                throw new AssertionError("record keyed " + e.getKey() + " holds host " + h.getHost());
            }
            for (Incident i : h.getIncidents()) {
                if (!ids.add(i.getIncidentId())) {
                    throw new AssertionError("incident " + i.getIncidentId() + " twice in the latest host records");
                }
                out.add(i.toString());
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Waits until the incidents topic holds exactly {@code expected} (it converges: every host record
     * is replaced as observations come), and still does a few commits later; fails with the difference.
     */
    static void awaitEqual(String bootstrap, KafkaSettings s, List<String> expected, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        List<String> actual = List.of();
        while (System.currentTimeMillis() < deadline) {
            actual = latest(bootstrap, s);
            if (actual.equals(expected)) {
                Thread.sleep(2_000); // nothing stale may follow
                actual = latest(bootstrap, s);
                break;
            }
            Thread.sleep(500);
        }
        KafkaPipelineTest.assertSameRecords(expected, actual, "incidents");
    }
}
