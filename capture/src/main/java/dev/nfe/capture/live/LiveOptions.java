package dev.nfe.capture.live;

/**
 * How an interface is opened.
 *
 * @param filter        BPF filter compiled by libpcap (tcpdump syntax); only TCP matters to nfe
 * @param snaplen       bytes kept per frame; handshakes need the whole ClientHello and certificates
 * @param bufferBytes   kernel ring size: what absorbs bursts while the agent is busy
 * @param immediate     deliver each packet at once (TPACKET_V2, one ring slot per frame, each as large
 *                      as the interface's biggest frame: 64 KiB with offloads) instead of in ring
 *                      blocks that the kernel hands over when full or after {@code timeoutMillis}
 *                      (TPACKET_V3, frames packed: a 64 MiB ring holds hundreds of thousands)
 * @param timeoutMillis the ring block timeout in block mode; on this project's Linux 6.18 machine the
 *                      kernel did not always retire a partly filled block on an interface that then
 *                      stayed quiet, so its last packets waited: immediate mode is the default
 * @param promiscuous   also capture traffic not addressed to this host (span ports, taps)
 */
public record LiveOptions(String filter, int snaplen, int bufferBytes, boolean immediate, int timeoutMillis,
                          boolean promiscuous) {
    public static final String DEFAULT_FILTER = "tcp";
    public static final int DEFAULT_SNAPLEN = 262_144;
    public static final int DEFAULT_BUFFER = 64 << 20;
    public static final int DEFAULT_TIMEOUT_MILLIS = 100;

    public LiveOptions {
        if (filter == null || snaplen < 64 || bufferBytes < 65_536 || timeoutMillis < 1) {
            throw new IllegalArgumentException("invalid live capture options");
        }
    }

    public static LiveOptions defaults() {
        return new LiveOptions(DEFAULT_FILTER, DEFAULT_SNAPLEN, DEFAULT_BUFFER, true, DEFAULT_TIMEOUT_MILLIS, false);
    }
}
