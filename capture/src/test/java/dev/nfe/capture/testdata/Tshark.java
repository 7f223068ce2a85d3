package dev.nfe.capture.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs tshark once per capture and parses its view of every TCP frame. */
public final class Tshark {
    private static final String[] FIELDS = {
            "frame.number", "frame.protocols", "frame.time_epoch",
            "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
            "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.window_size_value",
            "tcp.len", "ip.ttl", "ipv6.hlim", "ip.id",
    };

    private Tshark() {
    }

    /** One TCP frame as tshark decodes it (innermost headers, {@code -E occurrence=l}). */
    public record TcpFrame(long frame, String protocols, long timestampNanos, boolean v6, String src, String dst,
                           int srcPort, int dstPort, long seq, long ack, int flags, int window, int length,
                           int ttl, int ipId) {

        /** True when the TCP header tshark shows is quoted inside an ICMP error, not a segment of its own. */
        public boolean insideIcmp() {
            String[] layers = protocols.split(":");
            int tcp = lastIndexOf(layers, "tcp");
            for (int i = 0; i < tcp; i++) {
                if (layers[i].equals("icmp") || layers[i].equals("icmpv6")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** tshark's output for one capture. */
    public record Output(List<TcpFrame> frames, int exitCode, String stderr) {
    }

    public static void require() {
        try {
            Process p = new ProcessBuilder("tshark", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new AssertionError("tshark is required (apt-get install tshark): tshark --version failed");
            }
        } catch (IOException e) {
            throw new AssertionError("tshark is required (apt-get install tshark)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static Output tcpFrames(Path capture) throws IOException, InterruptedException {
        // IP reassembly on, as the decoder does it (tshark's default, said explicitly)
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(),
                "-o", "ip.defragment:TRUE", "-o", "ipv6.defragment:TRUE", "-Y", "tcp",
                "-T", "fields", "-E", "separator=/t", "-E", "occurrence=l"));
        for (String f : FIELDS) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        String out = drain(p.getInputStream());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("tshark timed out on " + capture);
        }
        List<TcpFrame> frames = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isEmpty()) {
                frames.add(parse(line));
            }
        }
        return new Output(frames, p.exitValue(), err.join());
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static TcpFrame parse(String line) {
        String[] f = line.split("\t", -1);
        String protocols = f[1];
        String[] layers = protocols.split(":");
        int tcp = lastIndexOf(layers, "tcp");
        boolean v6 = false;
        for (int i = tcp - 1; i >= 0; i--) {
            if (layers[i].equals("ip")) {
                break;
            }
            if (layers[i].equals("ipv6")) {
                v6 = true;
                break;
            }
        }
        // modulo 2^64, as the reader's nanosecond arithmetic: one corpus file has raw pcapng timestamps
        // near 2^64 microseconds (a negative time written unsigned), which no long can hold
        long ts = new BigDecimal(f[2]).movePointRight(9).toBigIntegerExact().longValue();
        return new TcpFrame(
                Long.parseLong(f[0]), protocols, ts, v6,
                v6 ? f[5] : f[3], v6 ? f[6] : f[4],
                number(f[7]), number(f[8]),
                longNumber(f[9]), longNumber(f[10]),
                number(f[11]), number(f[12]), number(f[13]),
                number(v6 ? f[15] : f[14]),
                v6 ? -1 : number(f[16]));
    }

    private static int number(String field) {
        return field.isEmpty() ? -1 : Integer.decode(field);
    }

    private static long longNumber(String field) {
        return field.isEmpty() ? -1 : Long.decode(field);
    }

    private static int lastIndexOf(String[] layers, String name) {
        for (int i = layers.length - 1; i >= 0; i--) {
            if (layers[i].equals(name)) {
                return i;
            }
        }
        return layers.length;
    }
}
