package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The floor checker on doctored score-corpus JSON: today's counts pass, and any one field that
 * loses an agreement, gains a disagreement, disappears or appears without a floor fails, by name.
 */
class AgreementFloorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** score-corpus's --json shape with the floors' own counts. */
    private static ObjectNode scoreAtTheFloors(AgreementFloors floors) {
        ObjectNode score = JSON.createObjectNode();
        ObjectNode agree = score.putObject("agree");
        ObjectNode total = score.putObject("total");
        for (AgreementFloors.Floor f : floors.floors().values()) {
            if (f.agreed() > 0) { // the scorer's Counter leaves out fields that never agreed
                agree.put(f.field(), f.agreed());
            }
            total.put(f.field(), f.checks());
        }
        score.putObject("diffs");
        return score;
    }

    private static List<String> check(AgreementFloors floors, JsonNode score) {
        return floors.violations(score.path("agree"), score.path("total"));
    }

    @Test
    void theShippedFloorsCoverTheScorersFieldsAndHoldAtTheirOwnCounts() {
        AgreementFloors floors = AgreementFloors.load();
        // the 27 fields score-corpus reports for the corpus and loopback-small
        assertEquals(27, floors.floors().size(), floors.floors().keySet().toString());
        assertEquals(20432, floors.floors().values().stream().mapToLong(AgreementFloors.Floor::checks).sum());
        assertEquals(List.of(), check(floors, scoreAtTheFloors(floors)));
    }

    @Test
    void everyFieldThatLosesOneAgreementFailsByName() {
        AgreementFloors floors = AgreementFloors.load();
        for (AgreementFloors.Floor f : floors.floors().values()) {
            ObjectNode score = scoreAtTheFloors(floors);
            ((ObjectNode) score.path("agree")).put(f.field(), f.agreed() - 1);
            List<String> v = check(floors, score);
            assertEquals(1, v.size(), f.field() + ": " + v);
            assertTrue(v.get(0).startsWith(f.field() + ": "), v.get(0));
            assertTrue(v.get(0).contains("below the floor of " + f.agreed()), v.get(0));
        }
    }

    @Test
    void aFieldFallingToZeroFailsThoughTheOverallRateStaysAbove99() {
        AgreementFloors floors = AgreementFloors.load();
        ObjectNode score = scoreAtTheFloors(floors);
        // every RST of loopback-small attributed to the wrong side: 57 of 20,432 checks
        ((ObjectNode) score.path("agree")).remove("rst.by");
        long agree = 0;
        long total = 0;
        for (JsonNode n : score.path("agree")) {
            agree += n.asLong();
        }
        for (JsonNode n : score.path("total")) {
            total += n.asLong();
        }
        assertTrue(100.0 * agree / total > 99.0, "the overall rate alone would hide it: " + 100.0 * agree / total);
        assertEquals(List.of("rst.by: 0/57 agree, below the floor of 57 (57/57)"), check(floors, score));
    }

    @Test
    void aNewDisagreementFailsEvenWhenTheAgreedCountHolds() {
        AgreementFloors floors = AgreementFloors.load();
        ObjectNode score = scoreAtTheFloors(floors);
        // one more stream checked and got wrong: alerts 890 of 924
        ((ObjectNode) score.path("total")).put("alerts", 924);
        assertEquals(List.of("alerts: 34 disagreements (890/924), the floor allows 33 (890/923)"), check(floors, score));
        // at 100% no disagreement at all is allowed
        ((ObjectNode) score.path("total")).put("alerts", 923);
        ((ObjectNode) score.path("total")).put("client_hello.sni", 1016);
        assertEquals(List.of("client_hello.sni: 1 disagreements (1015/1016), the floor allows 0 (1015/1015)"),
                check(floors, score));
    }

    @Test
    void aFieldThatVanishesOrAppearsWithoutAFloorFails() {
        AgreementFloors floors = AgreementFloors.load();
        ObjectNode score = scoreAtTheFloors(floors);
        ((ObjectNode) score.path("total")).remove("rst.by");
        ((ObjectNode) score.path("agree")).remove("rst.by");
        ((ObjectNode) score.path("total")).put("server_hello.alpn", 700);
        ((ObjectNode) score.path("agree")).put("server_hello.alpn", 700);
        assertEquals(List.of("rst.by: no checks at all (floor 57/57)",
                "server_hello.alpn: the scorer checks it (700/700) but corpus-agreement-floors.tsv has no floor for it"),
                check(floors, score));
    }

    @Test
    void improvementsPassAndAreReportedAsRaisable() {
        AgreementFloors floors = AgreementFloors.load();
        ObjectNode score = scoreAtTheFloors(floors);
        ((ObjectNode) score.path("agree")).put("alerts", 900); // 10 disagreements fixed
        ((ObjectNode) score.path("agree")).put("client_hello.sni", 1100); // a bigger corpus, all agreeing
        ((ObjectNode) score.path("total")).put("client_hello.sni", 1100);
        assertEquals(List.of(), check(floors, score));
        assertEquals(List.of("alerts: 900/923 (floor 890/923)", "client_hello.sni: 1100/1100 (floor 1015/1015)"),
                floors.raisable(score.path("agree"), score.path("total")));
    }

    @Test
    void aMalformedFloorsFileIsRejectedWithItsLine() {
        assertEquals(2, AgreementFloors.parse("# c\nalerts\t923\t890\n\nrst.by\t57\t57\n").floors().size());
        IllegalArgumentException cols = assertThrows(IllegalArgumentException.class,
                () -> AgreementFloors.parse("# c\nalerts 923 890\n"));
        assertTrue(cols.getMessage().contains("line 2"), cols.getMessage());
        IllegalArgumentException over = assertThrows(IllegalArgumentException.class,
                () -> AgreementFloors.parse("alerts\t923\t924\n"));
        assertTrue(over.getMessage().contains("line 1: floor of alerts: 924 agreed of 923 checks"), over.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> AgreementFloors.parse("alerts\t923\t890\nalerts\t923\t890\n"));
        assertTrue(twice.getMessage().contains("alerts twice"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AgreementFloors.parse("alerts\tmany\t890\n"));
    }
}
