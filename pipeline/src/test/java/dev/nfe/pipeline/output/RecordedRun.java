package dev.nfe.pipeline.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.replay.ProgressListener;
import dev.nfe.pipeline.replay.ReplayEngine;
import dev.nfe.pipeline.replay.ReplayOptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real replay ({@code nfe replay --sessions --format jsonl}'s engine and sink, in process) of
 * real captures, with each output line paired with the domain record it was written from: the
 * sink in the middle hands every record to the real {@link JsonLinesSink} and remembers it, so
 * line i of the output is record i.
 */
public record RecordedRun(List<Line> lines) {

    /** One output line (without its newline) and the record it renders. */
    record Line(Object value, SessionRecord sessionOfFinding, byte[] bytes) {
        String kind() {
            if (value instanceof SessionRecord) {
                return "session";
            } else if (value instanceof Finding) {
                return "finding";
            } else if (value instanceof Incident) {
                return "incident";
            } else if (value instanceof RunSummary) {
                return "summary";
            }
            throw new IllegalStateException("unexpected " + value);
        }
    }

    static final Path ROOT = Path.of(System.getProperty("nfe.root", "..")).toAbsolutePath().normalize();
    static final Path SHARED = Path.of(System.getProperty("nfe.shared", "../../shared")).toAbsolutePath().normalize();

    /** The capture made by src/test/fixtures/make-hostile-strings.sh. */
    public static Path hostileStrings() {
        try {
            java.net.URL url = RecordedRun.class.getResource("hostile-strings.pcap");
            assertTrue(url != null, "hostile-strings.pcap is not on the test class path");
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path loopbackSample() {
        Path p = ROOT.resolve("samples/loopback/capture.pcap");
        assertTrue(Files.isRegularFile(p), "missing " + p);
        return p;
    }

    /**
     * Every sound capture of the shared corpus (the one damaged capture, capinfos_rc != 0 in its
     * meta.json, ends a replay with exit 3 and is left out). Fails, never skips, without the corpus.
     */
    public static List<Path> corpus() {
        Path corpus = SHARED.resolve("corpus");
        assertTrue(Files.isDirectory(corpus), "../shared (the corpus) not found at " + corpus + " (-Dnfe.shared=DIR)");
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.walk(corpus)) {
            List<Path> out = new ArrayList<>();
            for (Path p : files.sorted().toList()) {
                String n = p.getFileName().toString();
                if (!n.endsWith(".pcap") && !n.endsWith(".pcapng")) {
                    continue;
                }
                Path meta = p.resolveSibling(n + ".meta.json");
                if (Files.exists(meta) && json.readTree(meta.toFile()).path("capinfos_rc").asInt(0) != 0) {
                    continue;
                }
                out.add(p);
            }
            assertTrue(out.size() >= 90, "corpus captures: " + out.size());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RecordedRun of(List<Path> captures) throws InterruptedException {
        ReplayOptions options = new ReplayOptions(2, 512, 16_384, 8, DissectorConfig.defaults(""),
                CaptureFiles::open, 300_000_000_000L, 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Tee tee = new Tee(new JsonLinesSink(out, true));
        List<String> files = captures.stream().map(Path::toString).toList();
        ReplayEngine.Result result = new ReplayEngine(options, ProgressListener.NONE).run(files, tee);
        assertEquals(0, result.exitCode(), String.valueOf(result.errors()));

        byte[] all = out.toByteArray();
        List<Line> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                int n = lines.size();
                assertTrue(n < tee.values.size(), "more lines than records");
                lines.add(new Line(tee.values.get(n), tee.sessions.get(n), Arrays.copyOfRange(all, start, i)));
                start = i + 1;
            }
        }
        assertEquals(all.length, start, "the output ends with a newline");
        assertEquals(tee.values.size(), lines.size(), "one line per record");
        return new RecordedRun(lines);
    }

    <T> List<T> all(Class<T> type) {
        return lines.stream().map(Line::value).filter(type::isInstance).map(type::cast).toList();
    }

    List<Line> linesOf(String kind) {
        return lines.stream().filter(l -> l.kind().equals(kind)).toList();
    }

    /** Parses every line with the strict parser; the line must be one JSON object. */
    static JsonNode parse(Line l) {
        return StrictJson.parse(l.bytes());
    }

    /**
     * Passes each record to the real sink and keeps it, in the order the sink writes lines. Takes
     * the lines the workers rendered ahead, as the sink does, so both paths are under test.
     */
    private static final class Tee implements ResultSink, RenderedLines {
        private final JsonLinesSink sink;
        final List<Object> values = new ArrayList<>();
        final List<SessionRecord> sessions = new ArrayList<>();
        private SessionRecord last;

        Tee(JsonLinesSink sink) {
            this.sink = sink;
        }

        private void keep(Object value, SessionRecord of) {
            values.add(value);
            sessions.add(of);
        }

        @Override
        public boolean wantsSessionLines() {
            return sink.wantsSessionLines();
        }

        @Override
        public void session(SessionRecord s) throws IOException {
            last = s;
            keep(s, null);
            sink.session(s);
        }

        @Override
        public void session(SessionRecord s, byte[] json, int off, int len) throws IOException {
            last = s;
            keep(s, null);
            sink.session(s, json, off, len);
        }

        @Override
        public void finding(Finding f) throws IOException {
            keep(f, last);
            sink.finding(f);
        }

        @Override
        public void finding(Finding f, byte[] json, int off, int len) throws IOException {
            keep(f, last);
            sink.finding(f, json, off, len);
        }

        @Override
        public void incident(Incident i) throws IOException {
            keep(i, null);
            sink.incident(i);
        }

        @Override
        public void summary(RunSummary summary) throws IOException {
            keep(summary, null);
            sink.summary(summary);
        }
    }
}
