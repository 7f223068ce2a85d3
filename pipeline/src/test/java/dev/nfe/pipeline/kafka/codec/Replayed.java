package dev.nfe.pipeline.kafka.codec;

import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.output.JsonRenderer;
import dev.nfe.pipeline.output.RenderedLines;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.pipeline.replay.ProgressListener;
import dev.nfe.pipeline.replay.ReplayEngine;
import dev.nfe.pipeline.replay.ReplayOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every session and finding an in-process replay produces, each with the JSON line the
 * {@code jsonl} output writes for it: the same path as {@code nfe replay --sessions --format jsonl},
 * so the Avro mapping is checked against what users actually see, not against a re-rendering.
 */
record Replayed(List<Rec<SessionRecord>> sessions, List<Rec<Finding>> findings) {

    /** A domain record and its JSON line (without the newline). */
    record Rec<T>(T value, String json) {
    }

    static final Path ROOT = Path.of(System.getProperty("nfe.root", ".."));
    static final Path SHARED = Path.of(System.getProperty("nfe.shared", "../../shared"));

    /**
     * The loopback sample plus corpus captures chosen for what the mapping has to carry:
     * SSLv2-format hellos (3-byte cipher specs), certificates, plaintext and encrypted alerts,
     * RSTs from either side (TTL evidence), IPv6, HelloRetryRequest, GREASE.
     */
    static List<Path> captures() {
        List<Path> out = new ArrayList<>();
        out.add(ROOT.resolve("samples/loopback/capture.pcap"));
        Path corpus = SHARED.resolve("corpus");
        for (String c : List.of(
                "zeek+zeek/testing/btest/Traces/tls/ssl-v2.pcap",
                "OISF+suricata-verify/tests/sslv2-tls-upgrade-01/ssl-v2-s1.pcap",
                "arkime+arkime/tests/pcap/pppoe.pcap",
                "lhmerino+censorship-detection/testdata/airtel_https_example.pcap",
                "lhmerino+censorship-detection/testdata/airtel_example.pcap",
                "zeek+zeek/testing/btest/Traces/tls/missing-intermediate.pcap",
                "zeek+zeek/testing/btest/Traces/tls/tls13draft16-ff52.a01.pcap",
                "zeek+zeek/testing/btest/Traces/tls/tls13draft16-chrome55.0.2879.0-canary-aborted.pcap",
                "zeek+zeek/testing/btest/Traces/tls/tls-1.2-handshake-failure.pcap",
                "zeek+zeek/testing/btest/Traces/tls/hrr.pcap",
                "OISF+suricata-verify/tests/tls/tls-store-02/tls-client-auth.pcap",
                "OISF+suricata-verify/tests/smtp-tls-protodetect/input.pcap")) {
            out.add(corpus.resolve(c));
        }
        for (Path p : out) {
            assertTrue(Files.isRegularFile(p), "missing capture " + p.toAbsolutePath());
        }
        return out;
    }

    static Replayed of(List<Path> captures) throws InterruptedException {
        List<Rec<SessionRecord>> sessions = new ArrayList<>();
        List<Rec<Finding>> findings = new ArrayList<>();
        ReplayOptions options = ReplayOptions.defaults(2, DissectorConfig.defaults(""), CaptureFiles::open);
        List<String> files = captures.stream().map(Path::toString).toList();
        /** Takes the workers' pre-rendered lines where there are some, renders the rest itself. */
        final class Collect implements ResultSink, RenderedLines {
            // the writer thread is the only caller, so one renderer is enough
            private final JsonRenderer renderer = new JsonRenderer();

            @Override
            public boolean wantsSessionLines() {
                return true;
            }

            @Override
            public void session(SessionRecord s) {
                sessions.add(new Rec<>(s, line(renderer.session(s), 0, -1)));
            }

            @Override
            public void session(SessionRecord s, byte[] json, int off, int len) {
                sessions.add(new Rec<>(s, line(json, off, len)));
            }

            @Override
            public void finding(Finding f) {
                findings.add(new Rec<>(f, line(renderer.finding(f), 0, -1)));
            }

            @Override
            public void finding(Finding f, byte[] json, int off, int len) {
                findings.add(new Rec<>(f, line(json, off, len)));
            }

            @Override
            public void incident(Incident i) {
            }

            @Override
            public void summary(RunSummary summary) {
            }
        }
        ReplayEngine.Result result = new ReplayEngine(options, ProgressListener.NONE).run(files, new Collect());
        assertEquals(0, result.exitCode(), String.valueOf(result.errors()));
        return new Replayed(sessions, findings);
    }

    /** A rendered line without its newline (copied: the buffer is not ours); len -1: the whole array. */
    private static String line(byte[] json, int off, int len) {
        String s = new String(json, off, len < 0 ? json.length : len, StandardCharsets.UTF_8);
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
