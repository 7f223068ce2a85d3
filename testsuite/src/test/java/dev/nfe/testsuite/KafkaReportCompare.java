package dev.nfe.testsuite;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nfe report --kafka} against {@code nfe report} of the same capture: the same incidents
 * (ids, stories, differential rows, period ticks), a timeline per server with the same failure
 * marks at the same places and the same completed bars, and the same outcomes per server. What may
 * differ is only what the topics do not hold: the capture file's frame counts, and the heading.
 */
final class KafkaReportCompare {
    private KafkaReportCompare() {
    }

    static void sameReport(String bootstrap, String prefix, String capture) throws Exception {
        Path dir = Files.createTempDirectory("nfe-kafka-report");
        Path fromKafka = dir.resolve("kafka.html");
        Path fromFile = dir.resolve("replay.html");
        Nfe.Run k = Nfe.run("report", "--kafka", bootstrap, "--topic-prefix", prefix, "--out", fromKafka.toString());
        assertEquals(0, k.exit(), k.stderr());
        assertFalse(k.stderr().contains("skipped") || k.stderr().contains("had no session"), k.stderr());
        Nfe.Run r = Nfe.run("report", "--out", fromFile.toString(), capture);
        assertEquals(0, r.exit(), r.stderr());
        Document a = Jsoup.parse(Files.readString(fromKafka, StandardCharsets.UTF_8));
        Document b = Jsoup.parse(Files.readString(fromFile, StandardCharsets.UTF_8));

        List<String> ids = a.select("article[data-incident-id]").eachAttr("data-incident-id");
        assertFalse(ids.isEmpty(), "no incident in the report from Kafka");
        assertEquals(b.select("article[data-incident-id]").eachAttr("data-incident-id"), ids, "incidents, in order");
        for (String id : ids) {
            Element x = a.selectFirst("article[data-incident-id=" + id + "]");
            Element y = b.selectFirst("article[data-incident-id=" + id + "]");
            assertEquals(y.select("p.story").text(), x.select("p.story").text(), "story of " + id);
            assertEquals(y.select("dl.facts").text(), x.select("dl.facts").text(), "facts of " + id);
            assertEquals(y.select("table.diff tbody tr").eachText(), x.select("table.diff tbody tr").eachText(),
                    "differential rows of " + id);
            assertEquals(y.select("table.diff tr.separates").size(), x.select("table.diff tr.separates").size());
            assertEquals(periods(b, id), periods(a, id), "period ticks of " + id);
        }
        Map<String, List<String>> timelines = timelines(a);
        assertEquals(timelines(b), timelines, "timelines per server");
        assertTrue(timelines.values().stream().anyMatch(t -> t.size() > 3), "failure marks drawn: " + timelines);
        assertEquals(b.select("figure.server figcaption").eachText(), a.select("figure.server figcaption").eachText());
        assertEquals(b.select("#servers").text(), a.select("#servers").text(), "outcomes per server");
        assertTrue(a.select("header p.sub").text().contains(prefix + "sessions"), a.select("header p.sub").text());
    }

    /** What the Kafka form refuses (2) and a deployment it cannot find (4). */
    static void refusals(String bootstrap, String prefix) throws Exception {
        Path out = Files.createTempDirectory("nfe-kafka-report").resolve("r.html");
        Nfe.Run evidence = Nfe.run("report", "--kafka", bootstrap, "--topic-prefix", prefix, "--out", out.toString(),
                "--evidence", out.getParent().resolve("ev").toString());
        assertEquals(2, evidence.exit(), evidence.stderr());
        assertTrue(evidence.stderr().contains("--evidence needs the capture files"), evidence.stderr());
        Nfe.Run both = Nfe.run("report", "--kafka", bootstrap, "--out", out.toString(), "some.pcap");
        assertEquals(2, both.exit(), both.stderr());
        Files.writeString(out, "an earlier report");
        Nfe.Run missing = Nfe.run("report", "--kafka", bootstrap, "--topic-prefix", "nothing-here.", "--out",
                out.toString());
        assertEquals(4, missing.exit(), missing.stderr());
        assertTrue(missing.stderr().contains("nothing-here.sessions"), missing.stderr());
        assertEquals("an earlier report", Files.readString(out), "a failed read leaves the file as it was");
        try (var left = Files.list(out.getParent())) {
            assertEquals(List.of(out), left.toList(), "nothing partial left behind");
        }
    }

    /** Per server: the figcaption, the completed bars (x, height) and the failure marks (x, colour), sorted. */
    private static Map<String, List<String>> timelines(Document d) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Element svg : d.select("svg.timeline")) {
            List<String> marks = new ArrayList<>();
            for (Element l : svg.select("g.fail-marks line")) {
                marks.add("fail " + l.attr("x1") + " " + l.attr("stroke"));
            }
            for (Element rect : svg.select("g.ok-bars rect")) {
                marks.add("ok " + rect.attr("x") + " " + rect.attr("height"));
            }
            marks.sort(null);
            out.put(svg.attr("data-servers"), marks);
        }
        return out;
    }

    private static List<String> periods(Document d, String id) {
        return d.select("svg.timeline g.period[data-incident-id=" + id + "]").eachAttr("data-period-ticks");
    }
}
