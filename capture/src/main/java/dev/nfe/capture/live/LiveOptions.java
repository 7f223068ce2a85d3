package dev.nfe.capture.live;

/**
 * How an interface is opened.
 *
 * @param filter        BPF filter compiled by libpcap (tcpdump syntax); only TCP matters to nfe
 * @param snaplen       bytes kept per frame; handshakes need the whole ClientHello and certificates
 * @param bufferBytes   kernel ring size: what absorbs bursts while the agent is busy
 * @param immediate     deliver each packet at once (TPACKET_V2, one ring slot per frame, each as large
 *                      as the interface's biggest frame: 64 KiB with offloads, so a 64 MiB ring holds
 *                      about 1,000 packets) instead of the default: ring blocks (TPACKET_V3, frames
 *                      packed by their length: a 64 MiB ring holds about 40,000 full-size Ethernet
 *                      frames, more small ones) that the kernel hands over when full or when its
 *                      retire timer fires
 * @param timeoutMillis the ring block timeout (TPACKET_V3 {@code tp_retire_blk_tov}): how long a packet
 *                      may wait in a partly filled block on a quiet interface. On this project's Linux
 *                      6.18 machine the retire timer is an hrtimer and keeps it, later only when the
 *                      machine is overloaded (softirqs run late)
 * @param promiscuous   also capture traffic not addressed to this host (span ports, taps)
 */
public record LiveOptions(String filter, int snaplen, int bufferBytes, boolean immediate, int timeoutMillis,
                          boolean promiscuous) {
    public static final String DEFAULT_FILTER = "tcp";
    public static final int DEFAULT_SNAPLEN = 262_144;
    public static final int DEFAULT_BUFFER = 64 << 20;
    public static final int DEFAULT_TIMEOUT_MILLIS = 10;

    public LiveOptions {
        if (filter == null || snaplen < 64 || bufferBytes < 65_536 || timeoutMillis < 1) {
            throw new IllegalArgumentException("invalid live capture options");
        }
    }

    public static LiveOptions defaults() {
        return new LiveOptions(DEFAULT_FILTER, DEFAULT_SNAPLEN, DEFAULT_BUFFER, false, DEFAULT_TIMEOUT_MILLIS, false);
    }
}
