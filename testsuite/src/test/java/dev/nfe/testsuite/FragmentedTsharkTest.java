package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.file.CaptureFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nfe's reassembly against tshark's own ({@code -o ip.defragment:TRUE -o ipv6.defragment:TRUE})
 * on a fully fragmented copy of the small loopback capture: tshark shows a TCP segment in exactly
 * the frames where nfe's decoder makes one, with the same addresses, ports, sequence numbers,
 * flags and lengths; and the ClientHellos tshark decodes from the rebuilt streams are the ones nfe
 * reports, in the same frames, with the same SNI.
 */
class FragmentedTsharkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tsharkSeesTheSameSegmentsAndClientHellos() throws Exception {
        FragmentedCaptures.Fragmented frag = FragmentedCaptures.fragment(
                Nfe.shared().resolve("captures/loopback-small/capture.pcap"), 1858);

        Map<Long, String> tshark = new TreeMap<>();
        for (String[] f : tshark(frag.capture(), "tcp", "frame.number", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
                "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.len", "frame.time_epoch")) {
            String src = f[1].isEmpty() ? f[2] : f[1];
            String dst = f[3].isEmpty() ? f[4] : f[3];
            tshark.put(Long.parseLong(f[0]), String.join(" ", src, f[5], dst, f[6], f[7], f[8],
                    Integer.toString(Integer.decode(f[9]) & 0x1ff), f[10], f[11].replace(".", "")));
        }
        Map<Long, String> ours = new TreeMap<>();
        try (FrameSource src = CaptureFiles.open(frag.capture())) {
            SegmentDecoder decoder = new SegmentDecoder(s -> ours.put(s.frame(), describe(s)));
            while (src.next(decoder)) {
                // decode every frame
            }
        }
        assertTrue(ours.size() > 3000, "segments: " + ours.size());
        assertEquals(tshark.keySet(), ours.keySet(), "the frames that carry a TCP segment");
        List<String> differ = new ArrayList<>();
        for (Map.Entry<Long, String> e : tshark.entrySet()) {
            if (!e.getValue().equals(ours.get(e.getKey()))) {
                differ.add("frame " + e.getKey() + ": tshark " + e.getValue() + " / nfe " + ours.get(e.getKey()));
            }
        }
        assertEquals(List.of(), differ.subList(0, Math.min(10, differ.size())), differ.size() + " segments differ");

        // the first ClientHello of each TCP stream, as tshark decodes it after both reassemblies
        Map<Long, String> tsharkHellos = new TreeMap<>();
        Map<String, Boolean> streams = new TreeMap<>();
        for (String[] f : tshark(frag.capture(), "tls.handshake.type == 1", "frame.number", "tcp.stream",
                "tls.handshake.extensions_server_name")) {
            if (streams.putIfAbsent(f[1], true) == null) {
                tsharkHellos.put(Long.parseLong(f[0]), f[2].isEmpty() ? "-" : f[2]);
            }
        }
        Map<Long, String> nfeHellos = new TreeMap<>();
        Nfe.Run r = Nfe.run("replay", "--sessions", "--format", "jsonl", frag.capture().toString());
        assertEquals(0, r.exit(), r.stderr());
        for (String line : r.lines()) {
            JsonNode n = JSON.readTree(line);
            JsonNode hello = n.path("client_hello");
            if (n.path("record").asText().equals("session") && hello.isObject()) {
                nfeHellos.put(hello.path("frame").asLong(), hello.path("sni").isNull() ? "-" : hello.path("sni").asText());
            }
        }
        assertTrue(nfeHellos.size() > 250, "hellos: " + nfeHellos.size());
        assertEquals(tsharkHellos, nfeHellos, "ClientHello frames and SNIs");
    }

    private static String describe(TcpSegment s) {
        long ts = s.timestampNanos();
        return String.join(" ", s.src().ip().toString(), Integer.toString(s.src().port()), s.dst().ip().toString(),
                Integer.toString(s.dst().port()), Long.toString(s.seq()), Long.toString(s.ack()),
                Integer.toString(s.flags()), Integer.toString(s.payloadLength()),
                String.format("%d%09d", ts / 1_000_000_000L, ts % 1_000_000_000L));
    }

    private static List<String[]> tshark(Path capture, String filter, String... fields) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(),
                "-o", "ip.defragment:TRUE", "-o", "ipv6.defragment:TRUE", "-Y", filter,
                "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Nfe.Run r = Nfe.exec(cmd, 300);
        assertEquals(0, r.exit(), r.stderr());
        List<String[]> out = new ArrayList<>();
        for (String line : r.lines()) {
            out.add(line.split("\t", -1));
        }
        return out;
    }
}
