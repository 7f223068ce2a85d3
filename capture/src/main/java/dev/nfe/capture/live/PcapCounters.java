package dev.nfe.capture.live;

/**
 * {@code pcap_stats} of one interface, totals since it was opened. On Linux {@code received}
 * counts every packet that passed the filter, the ones the kernel then dropped included, so
 * {@code received = delivered to the agent + dropped}; {@code ifDropped} never reached the socket.
 *
 * @param received  ps_recv
 * @param dropped   ps_drop: no room in the kernel ring
 * @param ifDropped ps_ifdrop: dropped by the interface or its driver (0 where unknown, e.g. {@code any})
 */
public record PcapCounters(long received, long dropped, long ifDropped) {
    public static final PcapCounters ZERO = new PcapCounters(0, 0, 0);
}
