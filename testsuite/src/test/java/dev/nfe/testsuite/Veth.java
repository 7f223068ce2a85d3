package dev.nfe.testsuite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A network namespace with one end of a veth pair, for live tests: tcpreplay sends from inside,
 * the agent captures the other end here. Removed on close, also after a failed test.
 */
record Veth(String ns, String inside, String outside) implements AutoCloseable {

    /**
     * @param tag two letters that keep the names of different tests apart
     * @param mtu of both ends; loopback captures hold frames up to 64 KiB, which need 65535
     */
    static Veth create(String tag, int mtu) throws Exception {
        String id = Long.toString(ProcessHandle.current().pid() % 100_000);
        Veth v = new Veth("nfe-" + tag + "-" + id, "nfe" + tag + id + "a", "nfe" + tag + id + "b");
        v.cleanup();
        sh("ip", "netns", "add", v.ns);
        sh("ip", "link", "add", v.inside, "type", "veth", "peer", "name", v.outside);
        sh("ip", "link", "set", v.inside, "netns", v.ns);
        sh("ip", "netns", "exec", v.ns, "ip", "link", "set", v.inside, "mtu", Integer.toString(mtu), "up");
        sh("ip", "link", "set", v.outside, "mtu", Integer.toString(mtu), "up");
        // no router solicitations or DAD: only the replayed packets cross the pair
        sh("sysctl", "-qw", "net.ipv6.conf." + v.outside + ".disable_ipv6=1");
        return v;
    }

    /** Sends the capture at top speed; returns the packets tcpreplay says it sent. */
    long replayTopSpeed(Path capture) throws Exception {
        return replay(capture, "--topspeed");
    }

    /** Sends the capture with these tcpreplay rate options; returns the packets it says it sent. */
    long replay(Path capture, String... rate) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "tcpreplay"));
        cmd.addAll(List.of(rate));
        cmd.addAll(List.of("-i", inside, capture.toString()));
        Nfe.Run r = Nfe.exec(cmd, 300);
        assertEquals(0, r.exit(), r.stderr() + r.stdout());
        Matcher m = Pattern.compile("Actual: (\\d+) packets").matcher(r.stdout());
        assertTrue(m.find(), r.stdout());
        Matcher failed = Pattern.compile("Failed packets:\\s+(\\d+)").matcher(r.stdout());
        assertTrue(failed.find() && failed.group(1).equals("0"), r.stdout());
        return Long.parseLong(m.group(1));
    }

    private void cleanup() throws Exception {
        Nfe.exec(List.of("ip", "link", "del", outside), 30);
        Nfe.exec(List.of("ip", "netns", "del", ns), 30);
    }

    @Override
    public void close() throws Exception {
        cleanup();
    }

    private static void sh(String... cmd) throws Exception {
        Nfe.Run r = Nfe.exec(List.of(cmd), 60);
        assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r.stderr());
    }
}
