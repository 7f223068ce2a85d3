package dev.nfe.capture.pcap4j;

import org.junit.jupiter.api.Test;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel filters the agent builds, compiled by the real libpcap and run by its BPF
 * interpreter on frames made here: on {@code any} (LINKTYPE_LINUX_SLL2) the outgoing copy of a
 * loopback packet is refused, and everything else the user's filter takes passes, outgoing
 * packets of other interfaces included (a server's answers). The {@code inbound} test of the
 * loopback filter needs the kernel's packet-type field, which a user-space run does not have:
 * there it fails the whole filter, the start marker too.
 */
class LiveInterfaceFilterTest {
    private static final int LINUX_SLL2 = 276;
    private static final int PACKET_HOST = 0;
    private static final int PACKET_OUTGOING = 4;
    private static final int ARPHRD_LOOPBACK = 772;
    private static final int ARPHRD_ETHER = 1;
    /** PCAP_NETMASK_UNKNOWN: no filter here tests broadcast addresses. */
    private static final Inet4Address NETMASK_UNKNOWN = netmaskUnknown();

    @Test
    void onAnyTheOutgoingCopyOfALoopbackPacketIsRefusedAndNothingElse() throws PcapNativeException {
        String filter = LiveInterface.kernelFilter("tcp port 443", false, List.of(1));
        assertEquals("not (outbound and (ifindex 1)) and (tcp port 443)", filter);
        BpfProgram bpf = Pcaps.compileFilter(65535, new DataLinkType(LINUX_SLL2, "LINUX_SLL2"), filter,
                BpfProgram.BpfCompileMode.OPTIMIZE, NETMASK_UNKNOWN);
        assertFalse(bpf.applyFilter(sll2(1, ARPHRD_LOOPBACK, PACKET_OUTGOING, 443)), "loopback, outgoing copy");
        assertTrue(bpf.applyFilter(sll2(1, ARPHRD_LOOPBACK, PACKET_HOST, 443)), "loopback, incoming copy");
        assertTrue(bpf.applyFilter(sll2(2, ARPHRD_ETHER, PACKET_OUTGOING, 443)), "eth, a server's answer");
        assertTrue(bpf.applyFilter(sll2(2, ARPHRD_ETHER, PACKET_HOST, 443)), "eth, a client's packet");
        assertFalse(bpf.applyFilter(sll2(2, ARPHRD_ETHER, PACKET_HOST, 80)), "the user's filter still applies");
    }

    @Test
    void severalLoopbackInterfacesAndNoUserFilter() throws PcapNativeException {
        String filter = LiveInterface.kernelFilter("", false, List.of(1, 7));
        BpfProgram bpf = Pcaps.compileFilter(65535, new DataLinkType(LINUX_SLL2, "LINUX_SLL2"), filter,
                BpfProgram.BpfCompileMode.OPTIMIZE, NETMASK_UNKNOWN);
        assertFalse(bpf.applyFilter(sll2(7, ARPHRD_LOOPBACK, PACKET_OUTGOING, 80)));
        assertTrue(bpf.applyFilter(sll2(3, ARPHRD_ETHER, PACKET_OUTGOING, 80)));
    }

    @Test
    void aNamedInterfaceKeepsTheUsersFilterAndLoopbackAcceptsTheStartMarker() throws PcapNativeException {
        assertEquals("tcp", LiveInterface.kernelFilter("tcp", false, List.of()));
        String lo = LiveInterface.kernelFilter("tcp", true, List.of());
        assertEquals("(inbound and (tcp)) or ether proto 34997", lo);
        BpfProgram bpf = Pcaps.compileFilter(65535, DataLinkType.EN10MB, lo, BpfProgram.BpfCompileMode.OPTIMIZE, NETMASK_UNKNOWN);
        // in user space the packet-type load of 'inbound' fails the whole filter, marker branch included:
        // the marker uses up libpcap's user-space pass but is never delivered
        assertFalse(bpf.applyFilter(LiveInterface.startMarker()), "libpcap's user-space run of the loopback filter");
        BpfProgram marker = Pcaps.compileFilter(65535, DataLinkType.EN10MB, "ether proto 34997",
                BpfProgram.BpfCompileMode.OPTIMIZE, NETMASK_UNKNOWN);
        assertTrue(marker.applyFilter(LiveInterface.startMarker()), "the marker frame is what the filter names");
    }

    private static Inet4Address netmaskUnknown() {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Linux cooked v2 header (20 bytes) and a minimal IPv4/TCP packet to {@code port}. */
    private static byte[] sll2(int ifindex, int hatype, int pkttype, int port) {
        ByteBuffer b = ByteBuffer.allocate(20 + 40);
        b.putShort((short) 0x0800).putShort((short) 0).putInt(ifindex).putShort((short) hatype).put((byte) pkttype)
                .put((byte) 6).put(new byte[8]);
        // IPv4: version 4, IHL 5, total length 40, TTL 64, protocol TCP, 127.0.0.1 -> 127.0.0.1
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putInt(0).put((byte) 64).put((byte) 6).putShort((short) 0)
                .put(new byte[] {127, 0, 0, 1}).put(new byte[] {127, 0, 0, 1});
        // TCP: ports, seq, ack, data offset 5, SYN
        b.putShort((short) 40000).putShort((short) port).putInt(1).putInt(0).put((byte) 0x50).put((byte) 0x02)
                .putShort((short) 65535).putInt(0);
        return b.array();
    }
}
