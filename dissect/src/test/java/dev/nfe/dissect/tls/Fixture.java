package dev.nfe.dissect.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * One connection's TCP payload, both directions, as produced by
 * {@code src/test/fixtures/extract_fixtures.py} from a real capture ({@code tls/NAME.segs.gz}),
 * and tshark's view of the same frames ({@code tls/NAME.tshark.jsonl}).
 */
final class Fixture {

    /** One in-order delivery of TCP payload, or (bytes null) a gap of {@code gapBytes} never captured. */
    record Segment(char dir, long frame, long tsNanos, byte[] bytes, long gapBytes) {
        Segment(char dir, long frame, long tsNanos, byte[] bytes) {
            this(dir, frame, tsNanos, bytes, 0);
        }
    }

    final String name;
    /** e.g. "corpus:zeek+zeek/testing/btest/Traces/tls/hrr.pcap" */
    final String source;
    /** tshark's tcp.stream index of the connection in its capture */
    int tcpStream = -1;
    final List<Segment> segments;
    final List<Map<String, Object>> tshark;

    private Fixture(String name, String source, List<Segment> segments, List<Map<String, Object>> tshark) {
        this.name = name;
        this.source = source;
        this.segments = segments;
        this.tshark = tshark;
    }

    static Fixture load(String name) {
        Fixture f;
        try (InputStream in = resource("tls/" + name + ".segs.gz")) {
            f = read(name, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Map<String, Object>> tshark = f.tshark;
        try (InputStream in = resource("tls/" + name + ".tshark.jsonl");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    tshark.add(MiniJson.object(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    /** Reads a .segs.gz stream (no tshark expectations). */
    static Fixture read(String name, InputStream in) {
        List<Segment> segments = new ArrayList<>();
        String source = "?";
        int stream = -1;
        try (InputStream closing = in;
             BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(closing),
                     StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("# source: ")) {
                    source = line.substring("# source: ".length());
                }
                int at = line.indexOf("(tshark tcp.stream ");
                if (line.startsWith("# connection: ") && at > 0) {
                    String rest = line.substring(at + "(tshark tcp.stream ".length());
                    stream = Integer.parseInt(rest.substring(0, rest.indexOf(')')));
                }
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" ");
                if (f[3].equals("gap")) {
                    segments.add(new Segment(f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), null,
                            Long.parseLong(f[4])));
                } else {
                    segments.add(new Segment(f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]),
                            HexFormat.of().parseHex(f[3])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Fixture f = new Fixture(name, source, segments, new ArrayList<>());
        f.tcpStream = stream;
        return f;
    }

    /** The last frame kept for a direction (fixtures may be cut to stay small), or 0. */
    long lastFrame(char dir) {
        long last = 0;
        for (Segment s : segments) {
            if (s.dir() == dir) {
                last = Math.max(last, s.frame());
            }
        }
        return last;
    }

    private static InputStream resource(String path) {
        InputStream in = Fixture.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalArgumentException("missing test resource " + path);
        }
        return in;
    }

    /** The segments of one direction ('C' client to server, 'S' server to client). */
    List<Segment> direction(char dir) {
        List<Segment> out = new ArrayList<>();
        for (Segment s : segments) {
            if (s.dir() == dir) {
                out.add(s);
            }
        }
        return out;
    }

    /** All bytes of one direction, concatenated. */
    byte[] stream(char dir) {
        List<Segment> segs = direction(dir);
        int n = 0;
        for (Segment s : segs) {
            n += s.bytes() == null ? 0 : s.bytes().length;
        }
        byte[] out = new byte[n];
        int p = 0;
        for (Segment s : segs) {
            if (s.bytes() != null) {
                System.arraycopy(s.bytes(), 0, out, p, s.bytes().length);
                p += s.bytes().length;
            }
        }
        return out;
    }

    /** tshark's units of one direction. */
    List<Map<String, Object>> tshark(char dir) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> u : tshark) {
            if (String.valueOf(dir).equals(u.get("dir"))) {
                out.add(u);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
