package dev.nfe.dissect.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nfe.dissect.fingerprint.CorpusFixtures.ClientRow;
import dev.nfe.dissect.fingerprint.CorpusFixtures.UpstreamRow;
import dev.nfe.dissect.report.ClientHello;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * JA4 against the values other implementations publish beside the corpus captures, paired by the
 * flow's endpoints: FoxIO's python testdata and rust insta snapshot (tls3.pcapng), Arkime's
 * {@code tests/pcap/*.test} and nDPI's {@code result/*.out}. The hellos are tshark's decoding of
 * the same captures ({@link CorpusFixtures}). A published value must equal our value for one of
 * the flow's ClientHellos (tools report the first, or each).
 *
 * <p>FoxIO and Arkime agree with us on every value. nDPI (the version that produced the corpus's
 * expected outputs) departs from the JA4 spec in three known ways; each differing nDPI value must
 * be explained by exactly those departures, applied to our value, or the test fails.
 */
class Ja4UpstreamTest {

    private static final Map<String, BiFunction<ClientHello, Character, String>> FORMS = Map.of(
            "ja4", Ja4::of,
            "ja4_r", Ja4::raw,
            "ja4_o", Ja4::originalOrder,
            "ja4_ro", Ja4::rawOriginalOrder);

    /** nDPI prints 'd' when it knows a host name for the flow, even without an SNI extension. */
    static final String NDPI_SNI = "nDPI 'd' without server_name extension";
    /** nDPI printed the first two characters of the first ALPN name ("ht" for http/1.1). */
    static final String NDPI_ALPN = "nDPI ALPN first two characters";
    /** nDPI hashed the empty extension list (SHA-256("") = e3b0c44298fc...) instead of zeros. */
    static final String NDPI_EMPTY = "nDPI hashes an empty extension list";
    private static final String SHA256_OF_NOTHING = "e3b0c44298fc";

    @Test
    void publishedJa4ValuesMatch() {
        List<ClientRow> hellos = CorpusFixtures.clientHellos();
        Map<String, Integer> counts = new TreeMap<>();
        List<String> unexplained = new ArrayList<>();
        for (UpstreamRow up : CorpusFixtures.upstream()) {
            BiFunction<ClientHello, Character, String> form = FORMS.get(up.field());
            if (form == null) {
                continue;
            }
            List<ClientHello> flow = new ArrayList<>();
            for (ClientRow c : hellos) {
                if (c.capture().equals(up.capture()) && up.sameFlow(c.src(), c.dst())) {
                    flow.add(c.hello());
                }
            }
            String key = up.source() + " " + up.field();
            if (flow.isEmpty()) {
                counts.merge(key + " unpaired", 1, Integer::sum);
                continue;
            }
            List<String> ours = flow.stream().map(h -> form.apply(h, 't')).toList();
            if (ours.contains(up.value())) {
                counts.merge(key + " agree", 1, Integer::sum);
                continue;
            }
            String reasons = up.source().equals("ndpi") && up.field().equals("ja4")
                    ? explainNdpi(flow.get(0), ours.get(0), up.value()) : null;
            if (reasons == null) {
                unexplained.add(up + "\n   ours " + ours);
            } else {
                counts.merge(key + " differ: " + reasons, 1, Integer::sum);
            }
        }
        assertEquals(List.of(), unexplained);
        Map<String, Integer> expected = new TreeMap<>();
        expected.put("foxio-python ja4 agree", 7);
        expected.put("foxio-python ja4_r agree", 7);
        expected.put("foxio-python ja4_o agree", 7);
        expected.put("foxio-python ja4_ro agree", 7);
        expected.put("foxio-rust ja4 agree", 7);
        expected.put("arkime ja4 agree", 21);
        expected.put("arkime ja4_r agree", 21);
        expected.put("ndpi ja4 agree", 292);
        // 6in4tunnel (spdy/3.1 -> "sp"), codm, sites, tunnelbear x2 (http/1.1 -> "ht")
        expected.put("ndpi ja4 differ: " + NDPI_ALPN, 5);
        // KakaoTalk x4, alexa-app x6, smtp-starttls (Arkime prints 'i' for the same hello),
        // tls_port_80, tls_with_huge_ch: none of these hellos has a server_name extension
        expected.put("ndpi ja4 differ: " + NDPI_SNI, 13);
        // KakaoTalk_chat 10.24.82.188:58964: a TLS 1.0 hello with no extensions at all
        expected.put("ndpi ja4 differ: " + NDPI_SNI + " + " + NDPI_EMPTY, 1);
        assertEquals(expected, counts);
    }

    /**
     * Applies nDPI's known departures to our value, one at a time and only where the hello shows
     * the condition that triggers it; returns the departures needed to reach nDPI's value, or
     * null if they do not explain it.
     */
    static String explainNdpi(ClientHello hello, String ours, String theirs) {
        StringBuilder fixed = new StringBuilder(ours);
        List<String> reasons = new ArrayList<>();
        if (ours.charAt(3) == 'i' && theirs.charAt(3) == 'd' && !hello.extensionTypes().contains(0)) {
            fixed.setCharAt(3, 'd');
            reasons.add(NDPI_SNI);
        }
        if (!hello.alpn().isEmpty() && hello.alpn().get(0).length() > 2) {
            byte[] name = hello.alpn().get(0).getBytes(StandardCharsets.ISO_8859_1);
            String firstTwo = new String(name, 0, 2, StandardCharsets.ISO_8859_1);
            if (!fixed.substring(8, 10).equals(firstTwo) && theirs.substring(8, 10).equals(firstTwo)) {
                fixed.replace(8, 10, firstTwo);
                reasons.add(NDPI_ALPN);
            }
        }
        if (ours.endsWith("_" + Ja4.EMPTY_HASH) && theirs.endsWith("_" + SHA256_OF_NOTHING)) {
            fixed.replace(fixed.length() - 12, fixed.length(), SHA256_OF_NOTHING);
            reasons.add(NDPI_EMPTY);
        }
        return !reasons.isEmpty() && fixed.toString().equals(theirs) ? String.join(" + ", reasons) : null;
    }
}
