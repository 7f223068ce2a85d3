package dev.nfe.testsuite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nfe against independent truth: tshark's per-stream ground truth for the 97 public captures of
 * the shared corpus and the labels of the small loopback capture, scored field by field by the
 * shared scorer. The bar is the product's: at least 99% of all checks agree, and every capture
 * runs (a damaged one must give its partial results and exit 3). Beyond the overall rate, every
 * field keeps its own floor ({@link AgreementFloors}, corpus-agreement-floors.tsv): one field
 * falling to zero would still leave 99% overall.
 */
class CorpusAgreementTest {

    @Test
    void agreesWithTsharkAndTheLoopbackLabels(TestReporter reporter) throws Exception {
        ScoreCorpus.Score s = ScoreCorpus.run(List.of());
        System.out.println(s.report());
        AgreementFloors floors = AgreementFloors.load();
        List<String> below = floors.violations(s.agree(), s.total());
        assertTrue(below.isEmpty(), "fields below their floor in " + AgreementFloors.RESOURCE + ":\n  "
                + String.join("\n  ", below) + "\n\nscore-corpus said:\n" + s.report());
        List<String> better = floors.raisable(s.agree(), s.total());
        if (!better.isEmpty()) {
            reporter.publishEntry("floors that may be raised", String.join("; ", better));
        }
        assertEquals(s.total("runs without error"), s.agree("runs without error"), "every capture runs");
        assertTrue(s.rate() >= 99.0, "agreement " + s.rate() + "% is below 99%:\n" + s.report());
        assertEquals(s.total("outcome"), s.agree("outcome"), "every loopback outcome is right");
        // Every stream tshark reports has a session but one: in 6in4tunnel.pcap tshark counts the
        // TCP header quoted inside an ICMPv6 error as a stream; nfe does not treat quoted headers
        // as segments of a connection.
        for (com.fasterxml.jackson.databind.JsonNode d : s.diffs().path("stream found")) {
            assertTrue(d.path("where").asText().contains("6in4tunnel.pcap"), "stream not found: " + d);
        }
        assertTrue(s.total("stream found") - s.agree("stream found") <= 1, s.report());
    }
}
