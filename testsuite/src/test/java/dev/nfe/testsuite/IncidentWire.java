package dev.nfe.testsuite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What tshark sees in an incident capture, per TCP stream: the independent reading of the wire
 * that the generator's ground truth is checked against (nfe plays no part in it).
 */
final class IncidentWire {
    private static final List<String> FIELDS = List.of("tcp.stream", "frame.time_epoch", "ip.src", "tcp.srcport",
            "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset", "tcp.flags.fin", "tls.record.version",
            "tls.handshake.type", "tls.handshake.extensions_server_name");

    private IncidentWire() {
    }

    /**
     * One TCP stream as tshark decodes it.
     *
     * @param client      "ip:port" of the sender of the first SYN
     * @param clientHello the client sent a ClientHello (TLS or SSLv2 format)
     * @param sslv2Hello  that hello was SSLv2-format (record version 0x0002 in tshark's terms)
     * @param sni         the hello's server_name, or "" when none
     * @param serverHello the server sent a ServerHello
     * @param serverEnd   the server's first FIN or RST: "fin", "rst", or "none"
     * @param serverEndTs when that came (epoch seconds), or NaN
     */
    record Stream(String client, boolean clientHello, boolean sslv2Hello, String sni, boolean serverHello,
                  String serverEnd, double serverEndTs) {
    }

    /** The streams of {@code pcap} by client endpoint. */
    static Map<String, Stream> streams(Path pcap) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.toString(), "-T", "fields",
                "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"));
        FIELDS.forEach(f -> cmd.addAll(List.of("-e", f)));
        Path out = Files.createTempFile("incident-tshark", ".tsv");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("tshark failed on " + pcap);
            }
            Map<Integer, Builder> byStream = new HashMap<>();
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                String[] v = (line + "\t\t\t\t\t\t\t\t\t\t\t").split("\t", -1);
                if (v[0].isEmpty()) {
                    continue;
                }
                byStream.computeIfAbsent(Integer.parseInt(v[0]), k -> new Builder()).add(v);
            }
            Map<String, Stream> result = new HashMap<>();
            for (Builder b : byStream.values()) {
                Stream s = b.build();
                result.put(s.client(), s);
            }
            return result;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean set(String flag) {
        return flag.equals("1") || flag.equals("True");
    }

    private static final class Builder {
        private String client;
        private String first;
        private boolean clientHello;
        private boolean sslv2;
        private String sni = "";
        private boolean serverHello;
        private String end = "none";
        private double endTs = Double.NaN;

        void add(String[] v) {
            String src = v[2] + ":" + v[3];
            if (first == null) {
                first = src;
            }
            if (client == null && set(v[4]) && !set(v[5])) {
                client = src;
            }
            List<String> types = List.of(v[9].split(","));
            if (src.equals(client == null ? first : client)) {
                if (types.contains("1")) {
                    clientHello = true;
                    sslv2 |= v[8].contains("0x0002");
                    if (!v[10].isEmpty()) {
                        sni = v[10];
                    }
                }
                return;
            }
            serverHello |= types.contains("2");
            if (end.equals("none") && (set(v[6]) || set(v[7]))) {
                end = set(v[6]) ? "rst" : "fin";
                endTs = Double.parseDouble(v[1]);
            }
        }

        Stream build() {
            return new Stream(client == null ? first : client, clientHello, sslv2, sni, serverHello, end, endTs);
        }
    }
}
