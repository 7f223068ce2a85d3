package dev.nfe.testsuite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input to {@code --evidence} and {@code nfe report}: a clear one-line message and the right
 * exit status; where it can be known before the run (an unwritable DIR or FILE, a malformed id),
 * nothing runs and nothing is written. Paths are made unwritable in ways that hold for root too
 * (a file where a directory must be, a directory where a file must be, /proc).
 */
class EvidenceReportBadInputTest {
    private static final Path CAPTURE = EvidenceFilesTest.INCIDENTS.resolve("crash-on-sslv2-hello").resolve("capture.pcap");

    @TempDir
    Path dir;

    @Test
    void anEvidenceDirThatCannotBeAStatus2BeforeAnythingRuns() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        for (String target : List.of(file.toString(), file.resolve("sub").toString(), "/proc/nfe-evidence")) {
            Nfe.Run r = Nfe.run("replay", "--evidence", target, CAPTURE.toString());
            assertEquals(2, r.exit(), target + ": " + r.stderr());
            assertTrue(r.stderr().startsWith("nfe: cannot write evidence to " + target + ": "), r.stderr());
            assertEquals("", r.stdout(), "nothing ran");
        }
        Nfe.Run r = Nfe.run("report", "--out", dir.resolve("r.html").toString(), "--evidence", file.toString(),
                CAPTURE.toString());
        assertEquals(2, r.exit(), r.stderr());
        assertFalse(Files.exists(dir.resolve("r.html")), "no report when its evidence cannot be written");
    }

    @Test
    void aReportFileThatCannotBeIsStatus2BeforeAnythingRuns() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("a-dir"));
        for (String target : List.of(sub.toString(), "/proc/nfe-report.html", dir.resolve("no/such/dir/r.html").toString())) {
            Nfe.Run r = Nfe.run("report", "--out", target, CAPTURE.toString());
            assertEquals(2, r.exit(), target + ": " + r.stderr());
            assertTrue(r.stderr().startsWith("nfe: cannot write the report to " + target + ": "), r.stderr());
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(sub), left.toList(), "nothing written");
        }
        Nfe.Run noOut = Nfe.run("report", CAPTURE.toString());
        assertEquals(2, noOut.exit());
        assertTrue(noOut.stderr().contains("--out FILE.html is required"), noOut.stderr());
        Nfe.Run notCapture = Nfe.run("report", "--out", dir.resolve("r.html").toString(),
                Files.writeString(dir.resolve("x.pcap"), "not a capture").toString());
        assertEquals(2, notCapture.exit(), notCapture.stderr());
        assertFalse(Files.exists(dir.resolve("r.html")));
    }

    @Test
    void incidentIdsAreCheckedForTheirFormBeforeAndForTheirPresenceAfterTheRun() throws Exception {
        Path evidence = dir.resolve("ev");
        Nfe.Run malformed = Nfe.run("replay", "--evidence", evidence.toString(), "--incident", "not-an-id",
                CAPTURE.toString());
        assertEquals(2, malformed.exit());
        assertTrue(malformed.stderr().contains("--incident needs an incident id (20 hex digits"), malformed.stderr());
        Nfe.Run without = Nfe.run("replay", "--incident", "0123456789abcdef0123", CAPTURE.toString());
        assertEquals(2, without.exit());
        assertTrue(without.stderr().contains("needs --evidence DIR"), without.stderr());

        // a well-formed id no incident has: the results stand, its file is missing, status 5
        Nfe.Run unknown = Nfe.run("replay", "--evidence", evidence.toString(), "--incident", "0123456789abcdef0123",
                CAPTURE.toString());
        assertEquals(5, unknown.exit(), unknown.stderr());
        assertTrue(unknown.stdout().contains("Outcomes per server:"), "the results are printed");
        assertTrue(unknown.stderr().contains("no incident 0123456789abcdef0123 in these captures (1 incident: "),
                unknown.stderr());
        try (Stream<Path> files = Files.list(evidence)) {
            assertEquals(List.of(), files.toList(), "no file, no spill left behind");
        }

        // in a report: the page says so, and shows no incident
        Path html = dir.resolve("r.html");
        Nfe.Run report = Nfe.run("report", "--out", html.toString(), "--incident", "0123456789abcdef0123",
                CAPTURE.toString());
        assertEquals(5, report.exit(), report.stderr());
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertTrue(page.contains("<p class=\"problem\">no incident 0123456789abcdef0123 in these results</p>"));
        assertFalse(page.contains("<article"), "no incident shown");
    }

    @Test
    void aKnownIdWritesOnlyThatIncidentsEvidence() throws Exception {
        Path capture = Nfe.root().resolve("samples/loopback/capture.pcap");
        Path all = dir.resolve("all");
        assertEquals(0, Nfe.run("replay", "--evidence", all.toString(), capture.toString()).exit());
        List<Path> files;
        try (Stream<Path> s = Files.list(all)) {
            files = s.filter(p -> p.toString().endsWith(".pcapng")).sorted().toList();
        }
        assertTrue(files.size() >= 5, files.toString());
        String id = files.get(2).getFileName().toString().replace(".pcapng", "");
        Path one = dir.resolve("one");
        Nfe.Run r = Nfe.run("replay", "--evidence", one.toString(), "--incident", id, capture.toString());
        assertEquals(0, r.exit(), r.stderr());
        try (Stream<Path> s = Files.list(one)) {
            assertEquals(List.of(one.resolve(id + ".pcapng")), s.toList());
        }
        assertEquals(-1, Files.mismatch(files.get(2), one.resolve(id + ".pcapng")), "the same file either way");
    }
}
