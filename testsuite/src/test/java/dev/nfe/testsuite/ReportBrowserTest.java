package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nfe report}, opened as a person opens it: in real headless Chromium, from a file, with no
 * network. The DOM after the page's scripts ran holds every incident (by id, with its evidence
 * file), a timeline per server, and for the 5 s crash loop ticks at the period that fall on the
 * killer's actual kill times (kills.jsonl, the generator's own record); the console stays empty;
 * a screenshot is kept under testsuite/target/report-artifacts for people to look at.
 */
class ReportBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path ARTIFACTS = Nfe.root().resolve("testsuite/target/report-artifacts");
    /** Anything that would make the browser fetch something: a URL in an attribute or in CSS. */
    private static final Pattern REQUEST = Pattern.compile(
            "(?i)(\\b(src|href|action|poster|data|srcset|formaction)\\s*=\\s*[\"']?\\s*(https?:|//|ftp:|file:))"
                    + "|url\\s*\\(|@import|<link\\b|<iframe\\b|<object\\b|<embed\\b");

    @TempDir
    Path dir;

    private record Report(Path html, Document dom, Chromium.Page page, List<JsonNode> incidents, Nfe.Run run) {
    }

    private Report report(String name, Path capture, int expectedExit) throws Exception {
        Files.createDirectories(ARTIFACTS);
        Path html = ARTIFACTS.resolve(name + ".html");
        Path evidence = dir.resolve("evidence");
        Nfe.Run run = Nfe.run("report", "--out", html.toString(), "--evidence", evidence.toString(), capture.toString());
        assertEquals(expectedExit, run.exit(), run.stderr());
        List<JsonNode> incidents = new ArrayList<>();
        for (String line : Nfe.run("replay", "--format", "jsonl", capture.toString()).lines()) {
            JsonNode n = JSON.readTree(line);
            if (n.path("record").asText().equals("incident")) {
                incidents.add(n);
            }
        }
        String source = Files.readString(html, StandardCharsets.UTF_8);
        assertFalse(REQUEST.matcher(source).find(), "the report would make a request: "
                + (REQUEST.matcher(source).find() ? source.substring(Math.max(0, REQUEST.matcher(source).results()
                .findFirst().orElseThrow().start() - 60)).substring(0, 160) : ""));
        assertTrue(source.contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'"),
                "the page forbids itself every request");
        Chromium.Page page = Chromium.dumpDom(html);
        Chromium.screenshot(html, ARTIFACTS.resolve(name + ".png"), 1100, 2400);
        Document dom = Jsoup.parse(page.dom());
        assertEquals("ran", dom.selectFirst("html").attr("data-script"), "the page's script ran");
        assertEquals(List.of(), page.console(), "console messages (errors, refused requests)");
        assertTrue(dom.select("#script-errors li").isEmpty(), dom.select("#script-errors").text());
        for (JsonNode i : incidents) {
            String id = i.path("incident_id").asText();
            Element article = dom.selectFirst("article[data-incident-id=" + id + "]");
            assertNotNull(article, "incident " + id + " is not in the report");
            assertTrue(article.text().contains(i.path("summary").asText()), "the story of " + id);
            assertNotNull(article.selectFirst(".differential"), "the differential of " + id);
            Element file = article.selectFirst("code.evidence-file");
            assertNotNull(file, "the evidence file of " + id);
            assertEquals(id + ".pcapng", file.text());
            assertTrue(Files.isRegularFile(evidence.resolve(file.text())), "named but not written: " + file.text());
            String server = i.path("server").asText();
            assertNotNull(timeline(dom, server), "no timeline for " + server);
        }
        assertEquals(incidents.size(), dom.select("article.incident").size(), "one article per incident");
        return new Report(html, dom, page, incidents, run);
    }

    private static Element timeline(Document dom, String server) {
        // one timeline per server host: 127.0.0.1:443 and [::1]:443 share one
        return dom.select("svg.timeline").stream().filter(e -> List.of(e.attr("data-servers").split(" ")).contains(server))
                .findFirst().orElse(null);
    }

    @Test
    void theCrashLoopShowsItsIncidentAndTicksAtItsPeriodOnTheKillTimes() throws Exception {
        Path scenario = EvidenceFilesTest.INCIDENTS.resolve("crash-loop-5s");
        Report r = report("crash-loop-5s", scenario.resolve("capture.pcap"), 0);
        JsonNode truth = JSON.readTree(scenario.resolve("truth.json").toFile());
        assertEquals(1, r.incidents().size());
        JsonNode incident = r.incidents().get(0);
        String id = incident.path("incident_id").asText();
        Element svg = timeline(r.dom(), "127.0.9.1:443");
        Element period = svg.selectFirst("g.period[data-incident-id=" + id + "]");
        assertNotNull(period, "no period ticks on the crash loop's timeline");
        double p = Double.parseDouble(period.attr("data-period-s"));
        assertEquals(truth.path("crash").path("period_s").asDouble(), p, 0.25);
        List<Element> ticks = period.select("line.period-tick");
        assertEquals(Integer.parseInt(period.attr("data-period-ticks")), ticks.size());
        double x0 = Double.parseDouble(svg.attr("data-x0"));
        double x1 = Double.parseDouble(svg.attr("data-x1"));
        long t0 = Long.parseLong(svg.attr("data-t0"));
        long t1 = Long.parseLong(svg.attr("data-t1"));
        List<Double> tickTimes = new ArrayList<>();
        for (Element t : ticks) {
            double x = Double.parseDouble(t.attr("x1"));
            tickTimes.add((t0 + (x - x0) / (x1 - x0) * (t1 - t0)) / 1e9);
        }
        // every kill the killer made while the incident lasted falls on a drawn tick: the drawing's
        // resolution (one 0.1-px step is ~10 ms here), the planned ±40 ms, and the tick's phase
        double first = Instant.parse(incident.path("first_ts").asText()).toEpochMilli() / 1e3;
        double last = Instant.parse(incident.path("last_ts").asText()).toEpochMilli() / 1e3;
        int kills = 0;
        for (String line : Files.readAllLines(scenario.resolve("kills.jsonl"))) {
            double kill = JSON.readTree(line).path("t_kill").asDouble();
            if (kill < first - 0.5 || kill > last + 0.5) {
                continue;
            }
            kills++;
            double nearest = tickTimes.stream().mapToDouble(t -> Math.abs(t - kill)).min().orElseThrow();
            assertTrue(nearest < 0.15, "kill at " + kill + " is " + nearest + " s from the nearest tick");
        }
        assertTrue(kills >= 10, "kills in the window: " + kills);
        // the failures drawn: one mark per failure of the server
        assertEquals(incident.path("count").asInt(), svg.select("g.fail-marks line").size());
    }

    @Test
    void theSslv2TriggerIsTheMarkedRowOfTheDifferential() throws Exception {
        Report r = report("crash-on-sslv2-hello", EvidenceFilesTest.INCIDENTS.resolve("crash-on-sslv2-hello")
                .resolve("capture.pcap"), 0);
        Element article = r.dom().selectFirst("article.incident");
        List<String> separating = article.select("table.diff tr.separates td:eq(0)").eachText();
        assertTrue(separating.contains("hello_format"), separating.toString());
        Element row = article.select("table.diff tr.separates").stream()
                .filter(e -> e.child(0).text().equals("hello_format")).findFirst().orElseThrow();
        assertEquals("sslv2", row.child(1).text());
        assertTrue(row.child(2).text().startsWith("15 of 15"), row.text());
        assertTrue(row.child(3).text().startsWith("0 of 61"), row.text());
        assertNotNull(article.selectFirst("details[open]"), "a separating differential is shown open");
    }

    @Test
    void theLoopbackSampleShowsEveryIncidentAndAServerTableAndTheCaptureFacts() throws Exception {
        Path capture = Nfe.root().resolve("samples/loopback/capture.pcap");
        Report r = report("loopback", capture, 0);
        assertTrue(r.incidents().size() >= 5, "incidents: " + r.incidents().size());
        Element captures = r.dom().selectFirst("#facts table.captures");
        assertTrue(captures.text().contains("samples/loopback/capture.pcap"), captures.text());
        long frames = TsharkFields.read(capture, null, List.of("frame.number")).size();
        assertEquals(String.format("%,d", frames), captures.selectFirst("tbody tr td:eq(1)").text());
        assertTrue(r.dom().select("#servers table.outcomes tbody tr").size() > 5);
        assertTrue(r.dom().select("svg.timeline").size() >= r.dom().select("article.incident").stream()
                .map(a -> a.selectFirst("h3 code").text()).distinct().count() - 1);
    }

    @Test
    void consoleErrorsAreSeenWhenThereAreAny() throws Exception {
        // the control: a page that fails and wants a remote image shows both, so the checks above can fail
        Path bad = dir.resolve("bad.html");
        Files.writeString(bad, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv="
                + "\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'\"><title>x</title>"
                + "</head><body><img src=\"https://example.com/x.png\"><script>nonexistent();</script></body></html>");
        Chromium.Page page = Chromium.dumpDom(bad);
        assertTrue(page.console().stream().anyMatch(l -> l.contains("nonexistent is not defined")), page.log());
        assertTrue(page.console().stream().anyMatch(l -> l.contains("Content Security Policy")), page.log());
        assertTrue(REQUEST.matcher(Files.readString(bad)).find());
    }

    @Test
    void aCaptureDamagedMidwayGivesStatus3AndAReportThatSaysWhatWasRead() throws Exception {
        Path original = EvidenceFilesTest.INCIDENTS.resolve("crash-loop-5s").resolve("capture.pcap");
        byte[] all = Files.readAllBytes(original);
        Path cut = dir.resolve("crash-loop-5s-cut.pcap");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length * 3 / 5 + 7)); // mid-record
        long framesTshark = TsharkFields.read(cut, null, List.of("frame.number")).size();
        Report r = report("damaged", cut, 3);
        assertTrue(r.run().stderr().contains(cut.toString()) && r.run().stderr().contains("damaged at byte"),
                r.run().stderr());
        Element damage = r.dom().selectFirst("header p.damage");
        assertNotNull(damage, "the report says the capture is damaged");
        assertTrue(damage.text().contains("damaged at byte"), damage.text());
        Element row = r.dom().selectFirst("#facts table.captures tbody tr");
        assertEquals(String.format("%,d", framesTshark), row.child(1).text(), "the frames read: as many as tshark reads");
        assertTrue(row.text().contains("up to the damage"), row.text());
    }
}
