package dev.nfe.testsuite;

import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.kafka.codec.FindingAvro;
import dev.nfe.pipeline.kafka.codec.IncidentAvro;
import dev.nfe.pipeline.kafka.codec.SessionAvro;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.pipeline.replay.ProgressListener;
import dev.nfe.pipeline.replay.ReplayEngine;
import dev.nfe.pipeline.replay.ReplayOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What offline replay (in process, no Kafka) finds in some captures, as the Avro records the
 * Kafka path publishes, rendered to their canonical JSON text so that two runs compare as
 * multisets of strings. Incidents are rendered the same way (the Avro record inside the incidents
 * topic's host records).
 */
record OfflineResults(List<String> sessions, List<String> findings, List<String> incidents) {

    static OfflineResults of(List<String> captures) throws Exception {
        List<String> sessions = new ArrayList<>();
        List<String> findings = new ArrayList<>();
        List<String> incidents = new ArrayList<>();
        ReplayOptions options = ReplayOptions.defaults(2, DissectorConfig.defaults(""), CaptureFiles::open);
        new ReplayEngine(options, ProgressListener.NONE).run(captures, new ResultSink() {

            @Override
            public void session(SessionRecord s) {
                sessions.add(SessionAvro.toAvro(s).toString());
            }

            @Override
            public void finding(Finding f) {
                findings.add(FindingAvro.toAvro(f).toString());
            }

            @Override
            public void incident(Incident i) {
                incidents.add(IncidentAvro.toAvro(i).toString());
            }

            @Override
            public void summary(RunSummary summary) {
            }
        });
        sessions.sort(null);
        findings.sort(null);
        incidents.sort(null);
        return new OfflineResults(sessions, findings, incidents);
    }

    /** The shared corpus (every capture, the damaged one too) and the small loopback capture. */
    static List<String> corpusAndLoopbackSmall() throws Exception {
        List<String> out = new ArrayList<>();
        out.add(Nfe.shared().resolve("captures/loopback-small/capture.pcap").toString());
        try (Stream<Path> s = Files.walk(Nfe.shared().resolve("corpus"))) {
            s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                    .sorted().forEach(p -> out.add(p.toString()));
        }
        return out;
    }
}
