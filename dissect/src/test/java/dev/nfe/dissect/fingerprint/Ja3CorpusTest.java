package dev.nfe.dissect.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfe.dissect.fingerprint.CorpusFixtures.ClientRow;
import dev.nfe.dissect.fingerprint.CorpusFixtures.ServerRow;
import dev.nfe.dissect.fingerprint.CorpusFixtures.UpstreamRow;
import dev.nfe.dissect.testdata.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** JA3 / JA3S on every hello of every corpus capture, against tshark 4.0.17 and other tools. */
class Ja3CorpusTest {

    // Pinned so that a truncated or regenerated fixture cannot pass by comparing less.
    private static final int TLS_CLIENT_HELLOS = 865;
    private static final int SSLV2_CLIENT_HELLOS = 7;
    private static final int TLS_SERVER_HELLOS = 716;
    private static final int SSLV2_SERVER_HELLOS = 1;

    @Test
    void everyClientHelloMatchesTshark() {
        int compared = 0;
        int sslv2 = 0;
        List<String> mismatches = new ArrayList<>();
        for (ClientRow row : CorpusFixtures.clientHellos()) {
            Ja3 ja3 = Ja3.of(row.hello());
            if (row.hello().sslv2Format()) {
                // tshark computes no JA3 for an SSLv2-format CLIENT-HELLO; neither do we
                assertNull(row.ja3(), row::toString);
                assertNull(ja3, row::toString);
                sslv2++;
                continue;
            }
            compared++;
            if (!ja3.full().equals(row.ja3Full()) || !ja3.hash().equals(row.ja3())) {
                mismatches.add(row + ": ours " + ja3 + ", tshark " + row.ja3Full() + " " + row.ja3());
            }
        }
        assertEquals(List.of(), mismatches);
        assertEquals(TLS_CLIENT_HELLOS, compared);
        assertEquals(SSLV2_CLIENT_HELLOS, sslv2);
    }

    @Test
    void everyServerHelloMatchesTshark() {
        int compared = 0;
        int sslv2 = 0;
        List<String> mismatches = new ArrayList<>();
        for (ServerRow row : CorpusFixtures.serverHellos()) {
            Ja3s ja3s = Ja3s.of(row.hello());
            if (row.hello().sslv2Format()) {
                assertNull(row.ja3s(), row::toString);
                assertNull(ja3s, row::toString);
                sslv2++;
                continue;
            }
            compared++;
            if (!ja3s.full().equals(row.ja3sFull()) || !ja3s.hash().equals(row.ja3s())) {
                mismatches.add(row + ": ours " + ja3s + ", tshark " + row.ja3sFull() + " " + row.ja3s());
            }
        }
        assertEquals(List.of(), mismatches);
        assertEquals(TLS_SERVER_HELLOS, compared);
        assertEquals(SSLV2_SERVER_HELLOS, sslv2);
    }

    /**
     * Arkime's and nDPI's published JA3 / JA3S for the same flows. Each must equal the
     * fingerprint of one of the flow's hellos (tools report the first hello, some all of them).
     */
    @Test
    void publishedJa3AndJa3sOfOtherToolsMatch() {
        List<ClientRow> clients = CorpusFixtures.clientHellos();
        List<ServerRow> servers = CorpusFixtures.serverHellos();
        Map<String, int[]> bySource = new HashMap<>();
        List<String> mismatches = new ArrayList<>();
        for (UpstreamRow up : CorpusFixtures.upstream()) {
            List<String> ours = new ArrayList<>();
            if (up.field().equals("ja3")) {
                clients.stream().filter(c -> c.capture().equals(up.capture()) && up.sameFlow(c.src(), c.dst()))
                        .map(c -> Ja3.of(c.hello())).filter(j -> j != null).forEach(j -> ours.add(j.hash()));
            } else if (up.field().equals("ja3s")) {
                servers.stream().filter(s -> s.capture().equals(up.capture()) && up.sameFlow(s.src(), s.dst()))
                        .map(s -> Ja3s.of(s.hello())).filter(j -> j != null).forEach(j -> ours.add(j.hash()));
            } else {
                continue;
            }
            int[] n = bySource.computeIfAbsent(up.source() + " " + up.field(), k -> new int[3]);
            if (ours.isEmpty()) {
                n[2]++; // no hello of that flow in tshark's decoding: nothing to compare
            } else if (ours.contains(up.value())) {
                n[0]++;
            } else {
                n[1]++;
                mismatches.add(up + " ours " + ours);
            }
        }
        assertEquals(List.of(), mismatches);
        // matched / mismatched / unpaired
        assertEquals(List.of(21, 0, 0), counts(bySource, "arkime ja3"));
        assertEquals(List.of(24, 0, 0), counts(bySource, "arkime ja3s"));
        assertEquals(List.of(311, 0, 0), counts(bySource, "ndpi ja3"));
        // one KakaoTalk_chat flow: a second SYN/ACK with a new ISN keeps tshark from decoding its ServerHello
        assertEquals(List.of(309, 0, 1), counts(bySource, "ndpi ja3s"));
    }

    private static List<Integer> counts(Map<String, int[]> m, String key) {
        int[] n = m.getOrDefault(key, new int[3]);
        return List.of(n[0], n[1], n[2]);
    }

    private static final Pattern CH = Pattern.compile("\"client_hello\": \\{\"frame\": (\\d+)");
    private static final Pattern SH = Pattern.compile("\"server_hello\": \\{\"frame\": (\\d+)");
    private static final Pattern JA3 = Pattern.compile("\"ja3\": \"([0-9a-f]{32})\"");
    private static final Pattern JA3S = Pattern.compile("\"ja3s\": \"([0-9a-f]{32})\"");

    /**
     * The corpus's own ground truth ({@code *.truth.jsonl}, first hello per TCP stream) read
     * directly, so the fixture extraction is checked too. Skipped without the shared corpus, failed
     * under CI=true ({@link SharedDir}).
     */
    @Test
    void corpusGroundTruthJa3AndJa3s() throws IOException {
        Path corpus = SharedDir.require("corpus");
        Map<String, String> ourJa3 = new HashMap<>();
        for (ClientRow r : CorpusFixtures.clientHellos()) {
            Ja3 j = Ja3.of(r.hello());
            ourJa3.putIfAbsent(r.capture() + "#" + r.frame(), j == null ? null : j.hash());
        }
        Map<String, String> ourJa3s = new HashMap<>();
        for (ServerRow r : CorpusFixtures.serverHellos()) {
            Ja3s j = Ja3s.of(r.hello());
            ourJa3s.putIfAbsent(r.capture() + "#" + r.frame(), j == null ? null : j.hash());
        }
        int ja3Compared = 0;
        int ja3sCompared = 0;
        List<String> mismatches = new ArrayList<>();
        List<Path> truths;
        try (Stream<Path> s = Files.walk(corpus)) {
            truths = s.filter(p -> p.toString().endsWith(".truth.jsonl")).sorted().toList();
        }
        for (Path truth : truths) {
            String capture = corpus.relativize(truth).toString().replace(".truth.jsonl", "");
            for (String line : Files.readAllLines(truth)) {
                Matcher ch = CH.matcher(line);
                Matcher ja3 = JA3.matcher(line);
                if (ch.find() && ja3.find()) {
                    ja3Compared++;
                    String ours = ourJa3.get(capture + "#" + ch.group(1));
                    if (!ja3.group(1).equals(ours)) {
                        mismatches.add(capture + " frame " + ch.group(1) + " ja3 " + ja3.group(1) + " ours " + ours);
                    }
                }
                Matcher sh = SH.matcher(line);
                Matcher ja3s = JA3S.matcher(line);
                if (sh.find() && ja3s.find()) {
                    ja3sCompared++;
                    String ours = ourJa3s.get(capture + "#" + sh.group(1));
                    if (!ja3s.group(1).equals(ours)) {
                        mismatches.add(capture + " frame " + sh.group(1) + " ja3s " + ja3s.group(1) + " ours " + ours);
                    }
                }
            }
        }
        assertEquals(List.of(), mismatches);
        assertTrue(ja3Compared > 0 && ja3sCompared > 0, "nothing compared");
    }
}
