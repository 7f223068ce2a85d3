package dev.nfe.testsuite.live;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.file.CaptureFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace and a veth pair for replaying captures at a live capture: one end
 * ({@link #replayInterface()}) inside the namespace, where {@code tcpreplay} sends; its peer
 * ({@link #captureInterface()}) in this process's namespace, where the agent (or tcpdump) captures.
 * Needs root. Names are unique per JVM and instance: namespace {@code nfe-<pid>-<n>}, links
 * {@code nfe-<pid>-<n>a} (replay side) and {@code ...b} (capture side), at most 15 characters
 * (IFNAMSIZ). {@link #close()} removes both, also after a failed set-up, and a shutdown hook does
 * it if the JVM ends first; a JVM killed with SIGKILL leaves them behind ({@code ip link del
 * nfe-<pid>-<n>b; ip netns del nfe-<pid>-<n>}).
 *
 * <p>What the set-up does, and why:
 * <ul>
 *   <li>IPv6 is disabled on both links before they come up, so the kernel sends no router
 *       solicitations, DAD or MLD packets of its own: a capture on the peer holds the replayed
 *       packets only.</li>
 *   <li>Both links get MTU 65535 (the veth maximum). Captures made on loopback (MTU 65536) hold
 *       frames larger than 1514 bytes; at the default MTU 1500 tcpreplay fails to send them
 *       ("Message too long", 46 of the 3,877 frames of loopback-small). A loopback frame above
 *       65,549 bytes still cannot be replayed.</li>
 *   <li>No addresses, no routes. The frames are delivered to the peer as they are; the capture
 *       side's IP stack drops them (127.0.0.0/8 arriving on a non-loopback link is martian), so it
 *       never answers and a capture there sees exactly the replayed frames.</li>
 * </ul>
 *
 * <p>Link type: {@code tcpreplay -i} writes each frame as it is in the file onto an Ethernet
 * device, so the capture must be Ethernet (LINKTYPE_ETHERNET, 1). Captures from {@code tcpdump -i
 * lo} on Linux are: {@code capinfos ../shared/captures/loopback-small/capture.pcap} says
 * "Encapsulation: Ethernet", with source and destination MAC 00:00:00:00:00:00. veth does not
 * filter by MAC, and a capture on the peer sees all 3,877 frames byte for byte, with or without
 * promiscuous mode ({@code NetnsVethTest}). Other link types ({@code tcpdump -i any}: Linux cooked
 * SLL/SLL2; raw IP) must be rewritten first, e.g. {@code tcprewrite --dlt=enet
 * --enet-smac=02:00:00:00:00:01 --enet-dmac=02:00:00:00:00:02 -i in.pcap -o out.pcap}; {@link
 * #replay} refuses them rather than sending garbage.
 */
public final class NetnsVeth implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final int IFNAMSIZ = 15;
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LINKTYPE_ETHERNET = 1;

    /** How fast tcpreplay sends: tcpreplay's own options. */
    public record Rate(List<String> options) {
        public static Rate topspeed() {
            return new Rate(List.of("--topspeed"));
        }

        public static Rate mbps(double megabitsPerSecond) {
            return new Rate(List.of(String.format(Locale.ROOT, "--mbps=%s", megabitsPerSecond)));
        }

        public static Rate pps(long packetsPerSecond) {
            return new Rate(List.of("--pps=" + packetsPerSecond));
        }
    }

    /** tcpreplay's own report of a replay ("Actual:", "Rated:" and the device statistics). */
    public record Replay(long packets, long bytes, double seconds, double mbps, double pps, long successful,
                  long failed, long truncated, long retriedEnobufs, long retriedEagain, Commands.Result run) {
    }

    private final String namespace;
    private final String replayInterface;
    private final String captureInterface;
    private final Thread cleanup;
    private boolean namespaceMade;
    private boolean linksMade;
    private boolean closed;

    private NetnsVeth(String namespace) {
        this.namespace = namespace;
        this.replayInterface = namespace + "a";
        this.captureInterface = namespace + "b";
        this.cleanup = new Thread(this::closeQuietly, "nfe-netns-cleanup-" + namespace);
    }

    /** Creates the namespace and the pair, both links up. Needs root. */
    public static NetnsVeth create() throws IOException, InterruptedException {
        String name;
        do {
            name = "nfe-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
        } while (Files.exists(Path.of("/run/netns", name)) || Files.exists(Path.of("/sys/class/net", name + "b")));
        if (name.length() + 1 > IFNAMSIZ) {
            throw new IllegalStateException("interface name " + name + "b is longer than " + IFNAMSIZ + " characters");
        }
        NetnsVeth n = new NetnsVeth(name);
        Runtime.getRuntime().addShutdownHook(n.cleanup);
        try {
            n.setUp();
        } catch (IOException | InterruptedException | RuntimeException e) {
            n.closeQuietly();
            throw e;
        }
        return n;
    }

    private void setUp() throws IOException, InterruptedException {
        String ip = Commands.sbin("ip");
        namespaceMade = true; // from here on, close() tries to remove it
        Commands.check(List.of(ip, "netns", "add", namespace), SETUP_TIMEOUT);
        linksMade = true;
        Commands.check(List.of(ip, "link", "add", captureInterface, "type", "veth",
                "peer", "name", replayInterface, "netns", namespace), SETUP_TIMEOUT);
        disableIpv6(captureInterface, List.of());
        disableIpv6(replayInterface, List.of(ip, "netns", "exec", namespace));
        Commands.check(List.of(ip, "link", "set", captureInterface, "mtu", "65535", "up"), SETUP_TIMEOUT);
        Commands.check(List.of(ip, "-n", namespace, "link", "set", replayInterface, "mtu", "65535", "up"), SETUP_TIMEOUT);
        Commands.check(List.of(ip, "-n", namespace, "link", "set", "lo", "up"), SETUP_TIMEOUT);
    }

    private static void disableIpv6(String link, List<String> inNamespace) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(inNamespace);
        // without IPv6 in the kernel there is no such key, and nothing to silence
        cmd.addAll(List.of("sh", "-c", "f=/proc/sys/net/ipv6/conf/$1/disable_ipv6; [ ! -e $f ] || echo 1 > $f", "sh", link));
        Commands.check(cmd, SETUP_TIMEOUT);
    }

    String namespace() {
        return namespace;
    }

    /** The link inside the namespace that tcpreplay sends on. */
    String replayInterface() {
        return replayInterface;
    }

    /** Its peer, in this process's namespace: capture here. */
    public String captureInterface() {
        return captureInterface;
    }

    /** Runs {@code command} inside the namespace ({@code ip netns exec}). */
    Commands.Result exec(List<String> command, Duration timeout) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Commands.sbin("ip"), "netns", "exec", namespace));
        cmd.addAll(command);
        return Commands.run(cmd, timeout);
    }

    public Replay replay(Path capture, Rate rate) throws IOException, InterruptedException {
        return replay(capture, rate, 1, Duration.ofMinutes(10));
    }

    /**
     * {@code tcpreplay -K --loop=LOOPS RATE -i REPLAY-IF CAPTURE} inside the namespace; the frames
     * arrive on {@link #captureInterface()}. Fails unless tcpreplay exits 0; failed sends (e.g.
     * frames above the MTU) are counted in {@link Replay#failed()}, not an error.
     */
    Replay replay(Path capture, Rate rate, int loops, Duration timeout) throws IOException, InterruptedException {
        int linkType = linkType(capture);
        if (linkType != LINKTYPE_ETHERNET) {
            throw new IllegalArgumentException(capture + " has link type " + linkType + ", not Ethernet (1): rewrite it"
                    + " first, e.g. tcprewrite --dlt=enet --enet-smac=02:00:00:00:00:01 --enet-dmac=02:00:00:00:00:02");
        }
        List<String> cmd = new ArrayList<>(List.of("tcpreplay", "--preload-pcap", "--loop=" + loops));
        cmd.addAll(rate.options());
        cmd.addAll(List.of("-i", replayInterface, capture.toString()));
        Commands.Result r = exec(cmd, timeout);
        if (!r.ok()) {
            throw new IllegalStateException("tcpreplay failed: " + r.describe());
        }
        String out = r.stdout() + "\n" + r.stderr();
        Matcher actual = Pattern.compile("Actual: (\\d+) packets \\((\\d+) bytes\\) sent in ([0-9.]+) seconds").matcher(out);
        Matcher rated = Pattern.compile("Rated: [0-9.]+ Bps, ([0-9.]+) Mbps, ([0-9.]+) pps").matcher(out);
        if (!actual.find() || !rated.find()) {
            throw new IllegalStateException("no counts in tcpreplay's report: " + r.describe());
        }
        return new Replay(Long.parseLong(actual.group(1)), Long.parseLong(actual.group(2)),
                Double.parseDouble(actual.group(3)), Double.parseDouble(rated.group(1)), Double.parseDouble(rated.group(2)),
                count(out, "Successful packets:"), count(out, "Failed packets:"), count(out, "Truncated packets:"),
                count(out, "Retried packets \\(ENOBUFS\\):"), count(out, "Retried packets \\(EAGAIN\\):"), r);
    }

    private static long count(String report, String label) {
        Matcher m = Pattern.compile(label + "\\s+(\\d+)").matcher(report);
        if (!m.find()) {
            throw new IllegalStateException("no '" + label + "' in tcpreplay's report:\n" + report);
        }
        return Long.parseLong(m.group(1));
    }

    /** The link type of the first frame of a capture (pcap or pcapng), or -1 when it has none. */
    static int linkType(Path capture) throws IOException {
        int[] type = {-1};
        try (FrameSource src = CaptureFiles.open(capture)) {
            src.next((number, ts, linkType, buf, off, len, wireLength) -> type[0] = linkType);
        }
        return type[0];
    }

    /** True while the namespace or the capture-side link exist. */
    boolean exists() {
        return Files.exists(Path.of("/run/netns", namespace)) || Files.exists(Path.of("/sys/class/net", captureInterface));
    }

    /**
     * Removes the links and the namespace. The pair goes first ({@code ip link del} is synchronous;
     * a namespace's own links are destroyed later, in the background, after {@code ip netns del}).
     */
    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: this is the hook
        }
        String ip = Commands.sbin("ip");
        List<String> problems = new ArrayList<>();
        if (linksMade && Files.exists(Path.of("/sys/class/net", captureInterface))) {
            Commands.Result r = Commands.run(List.of(ip, "link", "del", captureInterface), SETUP_TIMEOUT);
            if (!r.ok()) {
                problems.add(r.describe());
            }
        }
        if (namespaceMade && Files.exists(Path.of("/run/netns", namespace))) {
            Commands.Result r = Commands.run(List.of(ip, "netns", "del", namespace), SETUP_TIMEOUT);
            if (!r.ok()) {
                problems.add(r.describe());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("could not remove " + namespace + ": " + problems);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            // best effort: a failed set-up or the JVM's exit
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
