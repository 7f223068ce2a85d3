package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test: on a capture where every data-carrying packet is cut into IP fragments (IPv4
 * and IPv6, fragments of 8 to 1024 bytes, some trains reversed or shuffled, some fragments sent
 * twice), {@code nfe replay --sessions --format jsonl} must say for every connection exactly what
 * it says on the original: the same outcomes, hellos, RST evidence, findings and incidents. Only
 * frame numbers legitimately differ (the fragmented capture has more frames); they are mapped
 * through the frame map the fragmenting script writes (each packet is found in the frame of the
 * fragment that completes it, as Wireshark numbers it) and must then be equal too. Timestamps
 * are equal because every fragment keeps its packet's timestamp.
 */
class FragmentedCaptureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields that hold one frame number, and arrays of frame numbers. */
    private static final Set<String> FRAME = Set.of("frame", "first_frame", "last_frame");
    private static final Set<String> FRAMES = Set.of("rst_frames", "evidence_frames");
    /** The end of a finding's summary: "; frames: hello 4, rst 6". */
    private static final Pattern SUMMARY_FRAMES = Pattern.compile("; frames: (.*)$");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    @Test
    void loopbackSmallFullyFragmentedGivesTheSameResults() throws Exception {
        assertSameResults(Nfe.shared().resolve("captures/loopback-small/capture.pcap"), 1858);
    }

    @Test
    void sampleWithIpv6FullyFragmentedGivesTheSameResults() throws Exception {
        assertSameResults(Nfe.root().resolve("samples/loopback/capture.pcap"), 5722);
    }

    private void assertSameResults(Path original, long seed) throws Exception {
        FragmentedCaptures.Fragmented frag = FragmentedCaptures.fragment(original, seed);
        List<JsonNode> before = replay(original);
        List<JsonNode> after = replay(frag.capture());
        Map<String, JsonNode> expected = new TreeMap<>();
        for (JsonNode n : before) {
            if (!n.path("record").asText().equals("summary")) {
                expected.put(key(n), comparable(remapFrames(n.deepCopy(), frag)));
            }
        }
        Map<String, JsonNode> actual = new TreeMap<>();
        for (JsonNode n : after) {
            if (!n.path("record").asText().equals("summary")) {
                actual.put(key(n), comparable(n.deepCopy()));
            }
        }
        assertTrue(expected.size() > 50, "records in the original: " + expected.size());
        assertEquals(expected.keySet(), actual.keySet(), "the same sessions, findings and incidents");
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
            // as text: a mapped frame number is a long node, a parsed one an int node
            if (!e.getValue().toString().equals(actual.get(e.getKey()).toString())) {
                differences.add(e.getKey() + "\n    original  " + e.getValue() + "\n    fragmented " + actual.get(e.getKey()));
            }
        }
        assertEquals(List.of(), differences.subList(0, Math.min(5, differences.size())), differences.size() + " differ");

        JsonNode sumBefore = before.get(before.size() - 1);
        JsonNode sumAfter = after.get(after.size() - 1);
        assertEquals(sumBefore.path("outcomes"), sumAfter.path("outcomes"));
        assertEquals(sumBefore.path("servers"), sumAfter.path("servers"));
        JsonNode c0 = sumBefore.path("captures").get(0);
        JsonNode c1 = sumAfter.path("captures").get(0);
        assertEquals(c0.path("segments"), c1.path("segments"), "every segment of the original, rebuilt");
        JsonNode skipped = c1.path("skipped");
        // every packet that was cut is rebuilt once; every other fragment frame is a held fragment
        assertTrue(frag.packets() > c0.path("frames").asLong() / 3, frag.toString());
        assertEquals(frag.packets(), skipped.path("fragments.reassembled").asLong(), c1.toString());
        assertEquals(frag.fragments() - frag.packets(), skipped.path("ipv4_fragment").asLong()
                + skipped.path("ipv6_fragment").asLong(), c1.toString());
        assertTrue(skipped.path("ipv4_fragment").asLong() > 0 && skipped.path("ipv6_fragment").asLong() > 0, c1.toString());
        // a copy sent before its packet was complete is a duplicate; one sent after starts a datagram
        // that never completes (still in progress at the end, or timed out 30 / 60 s later)
        assertTrue(frag.duplicates() > 10, frag.toString());
        assertEquals(frag.duplicates(), skipped.path("fragments.duplicate").asLong()
                + skipped.path("fragments.in_progress").asLong() + skipped.path("fragments.timed_out").asLong(), c1.toString());
        assertTrue(skipped.path("fragments.tiny_first").asLong() > 0, "8- to 24-byte fragments split TCP headers: " + c1);
        assertEquals(c1.path("frames").asLong(), frag.frames().size() - frag.packets() + frag.fragments(), c1.toString());
    }

    private static List<JsonNode> replay(Path capture) throws Exception {
        Nfe.Run r = Nfe.run("replay", "--sessions", "--format", "jsonl", capture.toString());
        assertEquals(0, r.exit(), r.stderr());
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.lines()) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    /** One key per record: its kind, flow (or incident id) and first timestamp. */
    private static String key(JsonNode n) {
        String id = n.hasNonNull("flow_id") ? n.path("flow_id").asText()
                : n.hasNonNull("incident_id") ? n.path("incident_id").asText() : n.path("client").asText();
        String ts = n.hasNonNull("first_ts") ? n.path("first_ts").asText() : n.path("ts").asText();
        return n.path("record").asText() + " " + id + " " + ts + " " + n.path("kind").asText();
    }

    /** Without the capture path, which names the input file. */
    private static JsonNode comparable(JsonNode n) {
        ((ObjectNode) n).remove("capture");
        ((ObjectNode) n).remove("captures");
        return n;
    }

    /** Replaces every frame number of a record of the original by its frame in the fragmented capture. */
    private static JsonNode remapFrames(JsonNode n, FragmentedCaptures.Fragmented frag) {
        if (n instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
            List<Map.Entry<String, JsonNode>> all = new ArrayList<>();
            fields.forEachRemaining(all::add);
            for (Map.Entry<String, JsonNode> f : all) {
                JsonNode v = f.getValue();
                if (FRAME.contains(f.getKey()) && v.isIntegralNumber()) {
                    o.put(f.getKey(), frag.map(v.asLong()));
                } else if (FRAMES.contains(f.getKey()) && v.isArray()) {
                    ArrayNode mapped = o.putArray(f.getKey());
                    v.forEach(x -> mapped.add(frag.map(x.asLong())));
                } else if (f.getKey().equals("summary") && v.isTextual() && o.path("record").asText().equals("finding")) {
                    o.put("summary", remapSummary(v.asText(), frag));
                } else {
                    remapFrames(v, frag);
                }
            }
        } else if (n.isArray()) {
            n.forEach(x -> remapFrames(x, frag));
        }
        return n;
    }

    private static String remapSummary(String summary, FragmentedCaptures.Fragmented frag) {
        Matcher m = SUMMARY_FRAMES.matcher(summary);
        if (!m.find()) {
            return summary;
        }
        Matcher numbers = NUMBER.matcher(m.group(1));
        StringBuilder sb = new StringBuilder();
        while (numbers.find()) {
            numbers.appendReplacement(sb, Long.toString(frag.map(Long.parseLong(numbers.group()))));
        }
        numbers.appendTail(sb);
        return summary.substring(0, m.start(1)) + sb;
    }
}
