package dev.nfe.dissect.fingerprint;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Test fixtures made by {@code fingerprint/extract_fixtures.py} from the shared corpus: hellos as
 * tshark 4.0.17 decoded them (with tshark's JA3/JA3S), tshark's Community IDs, and values other
 * tools published beside the captures. The hellos are turned into the decoder's own
 * {@link ClientHello} / {@link ServerHello} records, so the fingerprints are tested on real
 * traffic independently of nfe's TLS decoder.
 */
final class CorpusFixtures {

    /** One ClientHello as tshark decoded it; {@code ja3Full}/{@code ja3} are tshark's or null. */
    record ClientRow(String capture, int frame, int stream, Endpoint src, Endpoint dst, ClientHello hello,
                     String ja3Full, String ja3) {
        @Override
        public String toString() {
            return capture + " frame " + frame + " " + src + " -> " + dst;
        }
    }

    /** One ServerHello as tshark decoded it; {@code ja3sFull}/{@code ja3s} are tshark's or null. */
    record ServerRow(String capture, int frame, int stream, Endpoint src, Endpoint dst, ServerHello hello,
                     String ja3sFull, String ja3s) {
        @Override
        public String toString() {
            return capture + " frame " + frame + " " + src + " -> " + dst;
        }
    }

    /** One TCP conversation with tshark's communityid for seed 0 and seed 1. */
    record CommunityRow(String capture, int stream, Endpoint a, Endpoint b, String seed0, String seed1) {
    }

    /** A value another tool published for a TCP flow ({@code field}: ja4, ja4_r, ja3, community_id ...). */
    record UpstreamRow(String source, String capture, Endpoint a, Endpoint b, String field, String value) {
        boolean sameFlow(Endpoint x, Endpoint y) {
            return (a.equals(x) && b.equals(y)) || (a.equals(y) && b.equals(x));
        }
    }

    private CorpusFixtures() {
    }

    static List<ClientRow> clientHellos() {
        return read("client-hellos.tsv", f -> new ClientRow(f[0], Integer.parseInt(f[1]),
                Integer.parseInt(f[2]), Endpoint.parse(f[3]), Endpoint.parse(f[4]), clientHello(f),
                absent(f[19]), absent(f[20])));
    }

    static List<ServerRow> serverHellos() {
        return read("server-hellos.tsv", f -> new ServerRow(f[0], Integer.parseInt(f[1]),
                Integer.parseInt(f[2]), Endpoint.parse(f[3]), Endpoint.parse(f[4]), serverHello(f),
                absent(f[14]), absent(f[15])));
    }

    static List<CommunityRow> communityIds() {
        return read("community-id.tsv", f -> new CommunityRow(f[0], Integer.parseInt(f[1]), Endpoint.parse(f[2]),
                Endpoint.parse(f[3]), f[4], f[5]));
    }

    static List<UpstreamRow> upstream() {
        return read("upstream.tsv", f -> new UpstreamRow(f[0], f[1], Endpoint.parse(f[2]), Endpoint.parse(f[3]),
                f[4], f[5]));
    }

    /** The first ClientHello by frame of a real capture (for edge-case tests that edit one). */
    static ClientHello firstClientHello(String capture, Endpoint client) {
        return clientHellos().stream()
                .filter(r -> r.capture().equals(capture) && r.src().equals(client))
                .findFirst().orElseThrow(() -> new AssertionError("no ClientHello from " + client + " in " + capture))
                .hello();
    }

    // columns: capture frame stream src dst sslv2 record_version handshake_version ciphers compression
    //          session_id_length challenge_length extensions sni alpn supported_versions groups
    //          ec_point_formats sig_algs ja3_full ja3
    private static ClientHello clientHello(String[] f) {
        boolean sslv2 = f[5].equals("1");
        return new ClientHello(sslv2, sslv2 ? -1 : hex(f[6]), hex(f[7]), hexList(f[8]), hexList(f[9]),
                Integer.parseInt(f[10]), Integer.parseInt(f[11]), hexList(f[12]), sni(f[13]), alpn(f[14]),
                hexList(f[15]), hexList(f[16]), hexList(f[17]), hexList(f[18]), 0, 1, 1);
    }

    // columns: capture frame stream src dst sslv2 record_version handshake_version selected_version
    //          cipher compression extensions alpn hrr ja3s_full ja3s
    private static ServerHello serverHello(String[] f) {
        boolean sslv2 = f[5].equals("1");
        String alpn = f[12].equals("-") ? null : latin1(f[12]);
        return new ServerHello(sslv2, sslv2 ? -1 : hex(f[6]), hex(f[7]), hex(f[8]), hex(f[9]),
                f[10].equals("-") ? -1 : hex(f[10]), hexList(f[11]), alpn, f[13].equals("1"));
    }

    private static <T> List<T> read(String name, Function<String[], T> row) {
        List<T> out = new ArrayList<>();
        try (InputStream in = CorpusFixtures.class.getResourceAsStream("/fingerprint/" + name)) {
            if (in == null) {
                throw new AssertionError("missing test resource fingerprint/" + name);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                out.add(row.apply(line.split("\t", -1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Collections.unmodifiableList(out);
    }

    private static String absent(String s) {
        return s.equals("-") ? null : s;
    }

    private static int hex(String s) {
        return Integer.parseInt(s, 16);
    }

    static List<Integer> hexList(String s) {
        List<Integer> out = new ArrayList<>();
        if (!s.isEmpty()) {
            for (String v : s.split(",")) {
                out.add(Integer.parseInt(v, 16));
            }
        }
        return out;
    }

    private static String sni(String s) {
        if (s.equals("-")) {
            return null;
        }
        return s.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\");
    }

    /** ALPN names are stored as hex bytes; the decoder's contract is one char per byte. */
    private static List<String> alpn(String s) {
        List<String> out = new ArrayList<>();
        if (!s.isEmpty()) {
            for (String v : s.split(",", -1)) {
                out.add(latin1(v));
            }
        }
        return out;
    }

    static String latin1(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
