package dev.nfe.capture.pcap4j;

import dev.nfe.capture.live.LiveCaptureException;
import dev.nfe.capture.live.LiveOptions;
import dev.nfe.capture.live.LiveSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens an interface for live capture with the reader that suits it. Ethernet and loopback
 * interfaces in ring-block mode (the default) are read by {@link PacketRing}, straight from the
 * kernel's ring; {@code any} (Linux cooked capture, whose filters need libpcap's rewriting for the
 * kernel), other link types (tunnels, raw IP) and {@code --immediate} go through libpcap
 * ({@link LiveInterface}).
 */
public final class LiveSources {
    private static final int ARPHRD_ETHER = 1;
    private static final int ARPHRD_LOOPBACK = 772;

    private LiveSources() {
    }

    /** @throws LiveCaptureException with what went wrong and what to do about it */
    public static LiveSource open(String name, LiveOptions options) throws LiveCaptureException {
        if (!options.immediate()) {
            int type = arphrd(name);
            if (type == ARPHRD_ETHER || type == ARPHRD_LOOPBACK) {
                return PacketRing.open(name, options, type == ARPHRD_LOOPBACK);
            }
        }
        return LiveInterface.open(name, options);
    }

    /** The interface's ARPHRD_ type from sysfs, or -1 (no such interface, "any"): libpcap then says why. */
    private static int arphrd(String name) {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            return -1;
        }
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", name, "type")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
