package dev.nfe.pipeline.kafka.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.schema.v1.Session;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Avro records on the Kafka topics say what the JSON lines say. Each session and finding of
 * real captures goes through the mapping and the wire (toAvro, encode, decode) and is then
 * compared, field by field, with the JSON line the replay wrote for the same record: two
 * independently written renderings of one domain record, so a field mapped from the wrong source,
 * dropped or mangled on either side shows up as a difference.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AvroMappingTest {
    private final ObjectMapper json = new ObjectMapper();
    private Replayed replayed;

    @BeforeAll
    void replay() throws Exception {
        replayed = Replayed.of(Replayed.captures());
    }

    @Test
    void sessionsOverTheWireSayWhatTheirJsonLinesSay(TestReporter report) throws Exception {
        AvroJsonWalker walker = new AvroJsonWalker();
        for (Replayed.Rec<SessionRecord> r : replayed.sessions()) {
            Session avro = SessionAvro.toAvro(r.value());
            Session decoded = AvroValues.decodeSession(AvroValues.encode(avro));
            assertEquals(avro, decoded, "the wire changed a session: " + r.json());
            walker.compareTop(decoded, json.readTree(r.json()), "session");
        }
        assertNoMismatches(walker);

        int sessions = replayed.sessions().size();
        report.publishEntry("sessions", sessions + " sessions, " + walker.leafCount() + " leaf values " + walker.leaves());
        assertTrue(sessions >= 60, "sessions: " + sessions);
        // a session has ~30 top-level fields, hellos ~30 more: far fewer would mean the walk stopped early
        assertTrue(walker.leafCount() >= 40 * sessions, "leaves: " + walker.leafCount());
        // every special case of the walker was exercised, not just written
        for (String kind : List.of("hex16", "hex24", "time", "null", "string", "number", "boolean", "array")) {
            assertTrue(walker.leaves().getOrDefault(kind, 0) > 0, "no " + kind + " compared: " + walker.leaves());
        }
        assertCoverage();
    }

    @Test
    void findingsOverTheWireSayWhatTheirJsonLinesSay(TestReporter report) throws Exception {
        AvroJsonWalker walker = new AvroJsonWalker();
        for (Replayed.Rec<Finding> r : replayed.findings()) {
            dev.nfe.schema.v1.Finding avro = FindingAvro.toAvro(r.value());
            dev.nfe.schema.v1.Finding decoded = AvroValues.decodeFinding(AvroValues.encode(avro));
            assertEquals(avro, decoded, "the wire changed a finding: " + r.json());
            walker.compareTop(decoded, json.readTree(r.json()), "finding");
        }
        assertNoMismatches(walker);
        int findings = replayed.findings().size();
        report.publishEntry("findings", findings + " findings, " + walker.leafCount() + " leaf values " + walker.leaves());
        assertTrue(findings >= 20, "findings: " + findings);
        assertTrue(walker.leafCount() >= 12 * findings, "leaves: " + walker.leafCount());
    }

    /** The findings CLI prints what replay printed: the way back loses nothing. */
    @Test
    void theReusingEncoderWritesTheBytesOfAvrosOwn() {
        ResultEncoder encoder = new ResultEncoder();
        for (Replayed.Rec<SessionRecord> r : replayed.sessions()) {
            Session avro = SessionAvro.toAvro(r.value());
            org.junit.jupiter.api.Assertions.assertArrayEquals(AvroValues.encode(avro), encoder.session(avro), r.json());
        }
        for (Replayed.Rec<Finding> r : replayed.findings()) {
            dev.nfe.schema.v1.Finding avro = FindingAvro.toAvro(r.value());
            org.junit.jupiter.api.Assertions.assertArrayEquals(AvroValues.encode(avro), encoder.finding(avro), r.json());
        }
    }

    @Test
    void findingsComeBackEqual() throws Exception {
        for (Replayed.Rec<Finding> r : replayed.findings()) {
            Finding f = r.value();
            assertEquals(f, FindingAvro.fromAvro(FindingAvro.toAvro(f)));
            assertEquals(f, FindingAvro.fromAvro(AvroValues.decodeFinding(AvroValues.encode(FindingAvro.toAvro(f)))));
        }
    }

    /** The comparison above proves something only if it can fail; each change must be caught where it is. */
    @Test
    void aChangedValueOnEitherSideIsReported() throws Exception {
        Replayed.Rec<SessionRecord> rich = replayed.sessions().stream()
                .filter(r -> r.value().clientHello() != null && !r.value().clientHello().hello().cipherSuites().isEmpty()
                        && r.value().rst() != null)
                .findFirst().orElseThrow();
        Session original = SessionAvro.toAvro(rich.value());
        JsonNode line = json.readTree(rich.json());
        assertEquals(List.of(), compare(original, line));

        Session suite = copy(original);
        List<Integer> suites = new ArrayList<>(suite.getClientHello().getCipherSuites());
        suites.set(0, suites.get(0) + 1);
        suite.getClientHello().setCipherSuites(suites);
        assertOneMismatchAt("$.client_hello.cipher_suites[0]", compare(suite, line));

        Session time = copy(original);
        time.setFirstTsNanos(time.getFirstTsNanos() + 1_000); // one microsecond: the JSON's resolution
        assertOneMismatchAt("$.first_ts", compare(time, line));

        Session ttl = copy(original);
        ttl.getRst().setTtl(ttl.getRst().getTtl() + 1);
        assertOneMismatchAt("$.rst.ttl", compare(ttl, line));

        Session nulled = copy(original);
        nulled.setFirstFrame(null);
        assertOneMismatchAt("$.first_frame", compare(nulled, line));

        ObjectNode missing = line.deepCopy();
        missing.remove("history");
        assertOneMismatchAt("$.history", compare(original, missing));

        ObjectNode extra = line.deepCopy();
        ((ObjectNode) extra.get("client_hello")).put("unmapped", 1);
        assertOneMismatchAt("$.client_hello.unmapped", compare(original, extra));
    }

    /** A deep copy, through the wire (a builder copy would need Avro's class allow-list too). */
    private static Session copy(Session s) throws BadRecordException {
        return AvroValues.decodeSession(AvroValues.encode(s));
    }

    private List<String> compare(Session avro, JsonNode line) {
        AvroJsonWalker w = new AvroJsonWalker();
        w.compareTop(avro, line, "session");
        return w.mismatches();
    }

    private static void assertOneMismatchAt(String path, List<String> mismatches) {
        assertEquals(1, mismatches.size(), String.valueOf(mismatches));
        assertTrue(mismatches.get(0).startsWith(path + ":"), mismatches.get(0));
    }

    private static void assertNoMismatches(AvroJsonWalker walker) {
        List<String> m = walker.mismatches();
        assertTrue(m.isEmpty(), m.size() + " mismatches, first ones:\n" + String.join("\n", m.subList(0, Math.min(20, m.size()))));
    }

    /** The captures were picked for these; if a dissector change loses one, the test says so. */
    private void assertCoverage() {
        List<SessionRecord> s = replayed.sessions().stream().map(Replayed.Rec::value).toList();
        Map<String, Boolean> seen = Map.of(
                "SSLv2-format ClientHello", s.stream().anyMatch(x -> x.clientHello() != null && x.clientHello().hello().sslv2Format()),
                "SSLv2 ServerHello", s.stream().anyMatch(x -> x.serverHello() != null && x.serverHello().hello().sslv2Format()),
                "certificates", s.stream().anyMatch(x -> !x.certificates().isEmpty()),
                "plaintext alert", s.stream().anyMatch(x -> x.alerts().stream().anyMatch(a -> !a.alert().encrypted())),
                "encrypted alert", s.stream().anyMatch(x -> x.alerts().stream().anyMatch(a -> a.alert().encrypted())),
                "RST evidence", s.stream().anyMatch(x -> x.rst() != null),
                "IPv6", s.stream().anyMatch(x -> x.client().ip().v6()),
                "supported_versions", s.stream().anyMatch(x -> x.clientHello() != null
                        && !x.clientHello().hello().supportedVersions().isEmpty()));
        seen.forEach((what, yes) -> assertTrue(yes, "no session with " + what));
    }
}
