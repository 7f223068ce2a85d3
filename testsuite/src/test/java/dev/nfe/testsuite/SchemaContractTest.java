package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nfe.schema.v1.Finding;
import dev.nfe.schema.v1.Session;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Avro schemas (the Kafka wire contract) and the JSON-lines output carry the same fields
 * (DESIGN.md: "The Avro schemas in schemas/ carry the same fields"). Timestamps are ISO strings
 * in JSON and nanoseconds in Avro ({@code first_ts} / {@code first_ts_nanos}).
 */
class SchemaContractTest {

    @Test
    void sessionAndFindingFieldsMatchTheJsonLines() throws Exception {
        Nfe.Run r = Nfe.run("replay", "--sessions", "--format", "jsonl", "samples/loopback/capture.pcap");
        assertEquals(0, r.exit(), r.stderr());
        ObjectMapper json = new ObjectMapper();
        boolean sawSession = false;
        boolean sawFinding = false;
        for (String line : r.lines()) {
            JsonNode n = json.readTree(line);
            String kind = n.path("record").asText();
            if (kind.equals("session") && n.path("client_hello").isObject() && n.path("rst").isObject()) {
                assertSameFields(Session.getClassSchema(), n, "session");
                assertSameFields(Session.getClassSchema().getField("client_hello").schema().getTypes().get(1),
                        n.path("client_hello"), "client_hello");
                assertSameFields(Session.getClassSchema().getField("rst").schema().getTypes().get(1),
                        n.path("rst"), "rst");
                sawSession = true;
            }
            if (kind.equals("finding")) {
                assertSameFields(Finding.getClassSchema(), n, "finding");
                sawFinding = true;
            }
        }
        assertEquals(true, sawSession && sawFinding);
    }

    /**
     * The incident record of nfe.incidents' host records and the JSON-lines incident carry the same
     * fields, and the Avro one also the report's differential rows ({@code contrasts}, which
     * contract v2 leaves out of the JSON lines), so a report from the topics has its tables.
     */
    @Test
    void incidentFieldsMatchTheJsonLines() throws Exception {
        Nfe.Run r = Nfe.run("replay", "--format", "jsonl", "samples/loopback/capture.pcap");
        assertEquals(0, r.exit(), r.stderr());
        ObjectMapper json = new ObjectMapper();
        int seen = 0;
        for (String line : r.lines()) {
            JsonNode n = json.readTree(line);
            if (n.path("record").asText().equals("incident")) {
                assertSameFields(dev.nfe.schema.v1.Incident.getClassSchema(), n, "incident", "contrasts");
                seen++;
            }
        }
        assertEquals(true, seen > 0, "incidents in the sample: " + seen);
    }

    private static void assertSameFields(Schema schema, JsonNode record, String what, String... avroOnly) {
        Set<String> avro = new TreeSet<>();
        for (String name : avroOnly) {
            assertEquals(true, schema.getField(name) != null, what + ": Avro field " + name);
        }
        for (Schema.Field f : schema.getFields()) {
            if (List.of(avroOnly).contains(f.name())) {
                continue;
            }
            avro.add(f.name().endsWith("_nanos") ? f.name().substring(0, f.name().length() - "_nanos".length()) : f.name());
        }
        Set<String> jsonFields = new TreeSet<>();
        Iterator<String> it = record.fieldNames();
        while (it.hasNext()) {
            String name = it.next();
            if (!name.equals("record")) {
                jsonFields.add(name);
            }
        }
        assertEquals(avro, jsonFields, what + ": Avro fields vs JSON fields");
    }
}
