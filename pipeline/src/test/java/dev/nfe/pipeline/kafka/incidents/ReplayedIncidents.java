package dev.nfe.pipeline.kafka.incidents;

import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Observation;
import dev.nfe.dissect.incident.Observer;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.pipeline.replay.ProgressListener;
import dev.nfe.pipeline.replay.ReplayEngine;
import dev.nfe.pipeline.replay.ReplayOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What replay makes of one real capture: its incidents, and the observations the Kafka dissector
 * would publish for its sessions (made the dissector's way: each session with the finding that
 * follows it, or none).
 */
public record ReplayedIncidents(List<Observation> observations, List<Incident> incidents, long endNanos) {
    static final Path ROOT = Path.of(System.getProperty("nfe.root", ".."));
    static final Path INCIDENTS = ROOT.resolve("testsuite/src/test/resources/dev/nfe/testsuite/incidents");

    /** A committed incident capture ("crash-loop-5s", ...) or a path under the repository. */
    public static Path capture(String name) {
        Path p = name.contains("/") ? ROOT.resolve(name) : INCIDENTS.resolve(name).resolve("capture.pcap");
        assertTrue(Files.isRegularFile(p), "missing capture " + p.toAbsolutePath());
        return p;
    }

    public static ReplayedIncidents of(Path capture) throws InterruptedException {
        List<Observation> observations = new ArrayList<>();
        List<Incident> incidents = new ArrayList<>();
        Observer observer = new Observer();
        ResultSink sink = new ResultSink() {
            private SessionRecord pending;

            @Override
            public void session(SessionRecord s) {
                flushPending();
                pending = s;
            }

            @Override
            public void finding(Finding f) {
                add(observer.of(pending, f));
                pending = null;
            }

            @Override
            public void incident(Incident i) {
                incidents.add(i);
            }

            @Override
            public void summary(RunSummary summary) {
                flushPending();
            }

            private void flushPending() {
                if (pending != null) {
                    add(observer.of(pending, null));
                    pending = null;
                }
            }

            private void add(Observation o) {
                if (o != null) {
                    observations.add(o);
                }
            }
        };
        ReplayOptions options = ReplayOptions.defaults(2, DissectorConfig.defaults(""), CaptureFiles::open);
        ReplayEngine.Result r = new ReplayEngine(options, ProgressListener.NONE).run(List.of(capture.toString()), sink);
        assertEquals(0, r.exitCode(), String.valueOf(r.errors()));
        return new ReplayedIncidents(observations, incidents, lastFrameTime(capture));
    }

    /** The end replay measures incident states at: the capture's latest frame time. */
    private static long lastFrameTime(Path capture) {
        long[] max = {Long.MIN_VALUE};
        try (dev.nfe.capture.FrameSource src = CaptureFiles.open(capture)) {
            while (src.next((n, ts, link, buf, off, cap, orig) -> max[0] = Math.max(max[0], ts))) {
                // every frame
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return max[0];
    }
}
