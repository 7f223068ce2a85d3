package dev.nfe.testsuite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tshark's fields of every frame of a capture (optionally through a display filter): the independent reading. */
public final class TsharkFields {
    private TsharkFields() {
    }

    /** One frame: the fields in the order asked for ("" when absent; several values joined by ","). */
    public record Frame(List<String> values) {
        public String get(int i) {
            return values.get(i);
        }
    }

    public static List<Frame> read(Path capture, String filter, List<String> fields) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(),
                "-o", "frame.generate_md5_hash:TRUE", "-T", "fields", "-E", "separator=/t", "-E", "aggregator=,",
                "-E", "occurrence=a"));
        if (filter != null) {
            cmd.addAll(List.of("-Y", filter));
        }
        fields.forEach(f -> cmd.addAll(List.of("-e", f)));
        Path out = Files.createTempFile("nfe-tshark", ".tsv");
        Path err = Files.createTempFile("nfe-tshark", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("tshark timed out on " + capture);
            }
            // 2: tshark read a damaged file up to the damage (what it printed stands)
            if (p.exitValue() != 0 && p.exitValue() != 2) {
                throw new IllegalStateException("tshark failed on " + capture + ": " + Files.readString(err));
            }
            List<Frame> frames = new ArrayList<>();
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                String[] v = line.split("\t", -1);
                List<String> values = new ArrayList<>(fields.size());
                for (int i = 0; i < fields.size(); i++) {
                    values.add(i < v.length ? v[i] : "");
                }
                frames.add(new Frame(values));
            }
            return frames;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A display filter for the frames of one connection: its two endpoints, frames {@code first} to {@code last}. */
    static String connection(String client, String server, long first, long last) {
        return "(" + endpoint(client) + " && " + endpoint(server) + " && frame.number >= " + first
                + " && frame.number <= " + last + ")";
    }

    /** "ip.addr == A && tcp.port == P" (ipv6.addr for "[v6]:port"). */
    private static String endpoint(String ep) {
        int colon = ep.lastIndexOf(':');
        String host = ep.substring(0, colon);
        String port = ep.substring(colon + 1);
        boolean v6 = host.startsWith("[");
        return "(" + (v6 ? "ipv6.addr == " + host.substring(1, host.length() - 1) : "ip.addr == " + host)
                + " && tcp.port == " + port + ")";
    }

    /** The text capinfos prints (exit status 0 required). */
    public static String capinfos(Path capture) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("capinfos", capture.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("capinfos could not read " + capture + ": " + out);
        }
        return out;
    }
}
