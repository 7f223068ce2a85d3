package dev.nfe.pipeline.live;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.DecodeStats;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.IncidentConfig;
import dev.nfe.dissect.incident.IncidentEngine;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.Defaults;
import dev.nfe.pipeline.output.CaptureStats;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.pipeline.replay.ProgressListener;
import dev.nfe.pipeline.replay.ReplayEngine;
import dev.nfe.pipeline.replay.ReplayOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live agent's output path (LocalOutput: dissectors, the incident engine, ticks of a moving
 * clock, stats intervals, the final close) fed with the frames of a finished capture, against
 * replay of the same capture: the same incidents, incident_id included. While the capture runs,
 * the live path writes incidents that changed with state open; once it ends each is written once
 * more, final — the same as replay's.
 */
class LiveIncidentsTest {
    private static final Path ROOT = Path.of(System.getProperty("nfe.root", "..")).toAbsolutePath().normalize();
    private static final Path INCIDENTS = ROOT.resolve("testsuite/src/test/resources/dev/nfe/testsuite/incidents");
    private static final long SECOND = 1_000_000_000L;

    /** Keeps what it is given. */
    private static final class Recorder implements ResultSink {
        final List<Incident> incidents = new ArrayList<>();

        @Override
        public void session(SessionRecord s) {
        }

        @Override
        public void finding(Finding f) {
        }

        @Override
        public void incident(Incident i) {
            incidents.add(i);
        }

        @Override
        public void summary(RunSummary summary) {
        }
    }

    private static List<Incident> replay(Path capture) throws Exception {
        Recorder r = new Recorder();
        ReplayEngine.Result result = new ReplayEngine(ReplayOptions.defaults(2, DissectorConfig.defaults(""),
                CaptureFiles::open), ProgressListener.NONE).run(List.of(capture.toString()), r);
        assertEquals(0, result.exitCode(), result.errors().toString());
        return r.incidents;
    }

    /** The capture's frames through the live path: a tick every 250 ms of capture time, stats every 10 s. */
    private static List<Incident> live(Path capture) throws Exception {
        Recorder r = new Recorder();
        LocalOutput out = new LocalOutput(DissectorConfig.defaults("")
                .withResetTimeout(Defaults.LIVE_RESET_TIMEOUT_MILLIS * 1_000_000), r,
                new IncidentEngine(IncidentConfig.defaults()
                        .withLateness(Defaults.LIVE_INCIDENT_LATENESS_SECONDS * SECOND)), new LocalOutput.Listener() {
                    @Override
                    public void session(SessionRecord s) {
                    }

                    @Override
                    public void finding(Finding f) {
                    }
                });
        out.open(List.of(capture.toString()));
        DecodeStats stats = new DecodeStats();
        List<TcpSegment> batch = new ArrayList<>();
        long[] clock = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE}; // now, next tick, next stats
        try (FrameSource src = CaptureFiles.open(capture)) {
            SegmentDecoder decoder = new SegmentDecoder(batch::add, SegmentDecoder.DEFAULT_MAX_TUNNEL_DEPTH, stats, false);
            while (src.next(decoder)) {
                for (TcpSegment s : batch) {
                    long ts = s.timestampNanos();
                    if (clock[1] == Long.MIN_VALUE) {
                        clock[1] = ts + Defaults.LIVE_TICK_MILLIS * 1_000_000;
                        clock[2] = ts + 10 * SECOND;
                    }
                    clock[0] = Math.max(clock[0], ts);
                    out.segment(0, s, 0);
                    if (ts >= clock[1]) {
                        out.tick(0, clock[0], stats);
                        clock[1] = ts + Defaults.LIVE_TICK_MILLIS * 1_000_000;
                    }
                    if (ts >= clock[2]) {
                        out.stats(0, new CaptureStats("test", 0, ts, false, 0, 0, 0, 0, 0, 0, 0));
                        clock[2] = ts + 10 * SECOND;
                    }
                }
                batch.clear();
            }
        }
        out.finish(0, clock[0], stats);
        out.close();
        return r.incidents;
    }

    @Test
    void theLiveAgentEndsWithReplaysIncidents() throws Exception {
        for (String scenario : List.of("crash-loop-5s", "crash-on-sni", "crash-any-hello")) {
            Path capture = INCIDENTS.resolve(scenario).resolve("capture.pcap");
            List<Incident> replay = replay(capture);
            List<Incident> live = live(capture);
            assertFalse(replay.isEmpty(), scenario);
            // the live path writes open versions as they change, then each final one once more
            Map<String, Incident> finalLive = new LinkedHashMap<>();
            for (Incident i : live) {
                finalLive.put(i.incidentId(), i);
            }
            assertEquals(replay, List.copyOf(finalLive.values()), scenario);
            assertTrue(live.stream().anyMatch(i -> i.state() == Incident.State.OPEN && i.count() < replay.get(0).count()),
                    scenario + ": an incident was written while it grew");
        }
    }
}
