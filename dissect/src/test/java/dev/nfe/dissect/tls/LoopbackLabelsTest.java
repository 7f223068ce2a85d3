package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.testdata.SharedDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Opt-in: every connection of the labelled loopback capture (real nginx / OpenSSL 3 / curl /
 * s_client / python SSLv2 hellos), dumped by src/test/fixtures/corpus_streams.py --corpus
 * .../captures/loopback-small and run with -Dnfe.tls.loopbackStreams=DIR, must show what its
 * scenario label says in the decoder's events.
 */
class LoopbackLabelsTest {

    @Test
    void everyConnectionMatchesItsScenario() throws IOException {
        String dir = System.getProperty("nfe.tls.loopbackStreams");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir)), "set -Dnfe.tls.loopbackStreams=DIR");
        Path labels = SharedDir.require("captures/loopback-small/labels.tsv");
        Map<String, String> scenarioByClient = new HashMap<>();
        for (String line : Files.readAllLines(labels)) {
            String[] f = line.split("\t");
            if (f[0].equals("conn_id")) {
                continue;
            }
            String ip = f[2].equals("ipv6") ? "[" + f[3] + "]" : f[3];
            scenarioByClient.put(ip + ":" + f[4], f[7]);
        }
        TlsContext context = new TlsContext(TlsLimits.DEFAULT);
        Map<String, Integer> checked = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<Path> files;
        try (var l = Files.list(Path.of(dir))) {
            files = l.sorted().toList();
        }
        for (Path p : files) {
            String header = "";
            Fixture f;
            try (InputStream in = Files.newInputStream(p)) {
                f = Fixture.read(p.getFileName().toString(), in);
            }
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(
                    new java.util.zip.GZIPInputStream(Files.newInputStream(p))))) {
                r.readLine();
                header = r.readLine();
            }
            String client = header.substring(header.indexOf(" client ") + 8, header.indexOf(" server "));
            String scenario = scenarioByClient.get(client);
            if (scenario == null) {
                continue;
            }
            RecordingEvents c = Feeding.segments(f.direction('C'), context);
            RecordingEvents s = Feeding.segments(f.direction('S'), context);
            String problem = check(scenario, c, s);
            checked.merge(scenario, 1, Integer::sum);
            if (problem != null) {
                failures.add(scenario + " " + client + ": " + problem + "\nC:\n" + c.dump() + "S:\n" + s.dump());
            }
        }
        assertEquals(300, checked.values().stream().mapToInt(Integer::intValue).sum(), checked.toString());
        assertEquals(List.of(), failures);
    }

    private static String check(String scenario, RecordingEvents c, RecordingEvents s) {
        if (!c.of("violation").isEmpty() || !s.of("violation").isEmpty()) {
            return "violation";
        }
        ClientHello ch = c.first("clientHello") == null ? null : (ClientHello) c.first("clientHello").value();
        ServerHello sh = s.first("serverHello") == null ? null : (ServerHello) s.first("serverHello").value();
        Alert serverAlert = s.first("alert") == null ? null : (Alert) s.first("alert").value();
        Alert clientAlert = c.first("alert") == null ? null : (Alert) c.first("alert").value();
        boolean sslv2 = scenario.contains("sslv2");
        if (ch == null || ch.sslv2Format() != sslv2) {
            return "ClientHello missing or wrong format";
        }
        return switch (scenario) {
            case "healthy_tls13" -> sh != null && sh.tls13() && s.first("plaintext") == null ? null : "no TLS 1.3 ServerHello";
            case "healthy_tls12" -> sh != null && sh.selectedVersion() == 0x0303 && s.first("certificates") != null
                    && c.first("changeCipherSpec") != null && s.first("changeCipherSpec") != null ? null : "no TLS 1.2 handshake";
            case "client_alert_unknown_ca" -> clientAlert != null && !clientAlert.encrypted()
                    && clientAlert.description() == 48 ? null : "no client unknown_ca alert";
            case "reset_after_client_hello", "reset_after_client_hello_sslv2", "fin_after_client_hello", "no_response" ->
                    s.events.isEmpty() ? null : "server said something";
            case "alert_protocol_version", "alert_protocol_version_sslv2" -> serverAlert != null && !serverAlert.encrypted()
                    && serverAlert.description() == 70 && sh == null ? null : "no protocol_version alert";
            case "sslv2_hello_server_hello" -> sh != null && !sh.sslv2Format() ? null : "no TLS ServerHello";
            case "alert_unrecognized_name" -> serverAlert != null && serverAlert.description() == 112 ? null
                    : "no unrecognized_name alert";
            case "alert_handshake_failure" -> serverAlert != null && serverAlert.description() == 40 ? null
                    : "no handshake_failure alert";
            case "non_tls_response" -> s.first("plaintext") != null && sh == null ? null : "no plaintext answer";
            default -> "unknown scenario";
        };
    }
}
