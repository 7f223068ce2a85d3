package dev.nfe.capture.pcap4j;

import dev.nfe.capture.FrameSink;
import dev.nfe.capture.live.LiveCaptureException;
import dev.nfe.capture.live.LiveOptions;
import dev.nfe.capture.live.LiveSource;
import dev.nfe.capture.live.PcapCounters;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;
import org.pcap4j.packet.namednumber.DataLinkType;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One interface captured live through libpcap (pcap4j 1.8.2, JNA).
 *
 * <p>By default the kernel packs frames into ring blocks (TPACKET_V3) and hands a block over when
 * it is full or when its retire timer fires ({@link LiveOptions#timeoutMillis}, 10 ms). On this
 * project's Linux 6.18 machine that timer is an hrtimer: a partly filled block on a quiet
 * interface is handed over within the timeout (later only when the machine is so loaded that
 * softirqs run late: up to a few hundred ms at a load average of 17 on 2 cores). Frames are read
 * with non-blocking {@code pcap_dispatch}; the caller's capture thread waits between empty reads
 * itself, so a stop is always seen. {@link #breakLoop} ends a running dispatch early.
 *
 * <p>libpcap 1.10 re-runs the filter in user space on the ring contents that were there when the
 * filter was attached ({@code blocks_to_filter_in_userland}): one slot in immediate mode, one whole
 * block in block mode. {@link #open} sends the loopback start marker into that slot or block and
 * reads until the ring has settled before it starts counting, so that no packet of the capture
 * is filtered there (see {@link #kernelFilter}).
 *
 * <p>Threading: {@link #dispatch}, {@link #counters} and {@link #close} belong to one capture
 * thread; {@link #breakLoop} may be called from any thread. pcap4j delivers each frame as a fresh
 * array, so sinks may keep it.
 */
public final class LiveInterface implements LiveSource {
    /** EtherType of the start marker (IEEE 802 local experimental 1). */
    static final int START_ETHERTYPE = 0x88b5;
    private static final String ANY = "any";
    private static final int LINKTYPE_LINUX_SLL2 = 276;
    /** How long the ring must stay quiet before counting starts (in block mode: two block timeouts more). */
    private static final long SETTLE_QUIET_NANOS = 20_000_000L;
    /** How long {@link #open} waits at most for a busy interface to settle. */
    private static final long MAX_SETTLE_NANOS = 2_000_000_000L;

    private final String name;
    private final PcapHandle handle;
    private final int linkType;
    private final boolean nanos;
    private final RawPacketListener listener = this::frame;
    private FrameSink sink;
    private long frames;
    private PcapCounters baseline = PcapCounters.ZERO;
    private boolean settled;

    private final String filter;
    private final String describe;

    private LiveInterface(String name, PcapHandle handle, String filter, LiveOptions o) {
        this.name = name;
        this.filter = filter;
        this.describe = "libpcap, " + (o.immediate() ? "immediate mode (TPACKET_V2), " + (o.bufferBytes() >> 20)
                + " MiB ring" : "ring blocks (TPACKET_V3), " + (o.bufferBytes() >> 20) + " MiB ring, block timeout "
                + o.timeoutMillis() + " ms");
        this.handle = handle;
        this.linkType = LibpcapFileSource.linkType(handle.getDlt().value());
        this.nanos = handle.getTimestampPrecision() == PcapHandle.TimestampPrecision.NANO;
    }

    /**
     * Opens {@code name} ("lo", "eth0", "any"), applies the filter, and asks for nanosecond
     * timestamps, falling back to microseconds where the kernel or libpcap cannot give them.
     *
     * @throws LiveCaptureException with what went wrong and what to do about it
     */
    public static LiveInterface open(String name, LiveOptions options) throws LiveCaptureException {
        boolean any = ANY.equals(name);
        boolean marker = loopback(name);
        String filter = kernelFilter(options.filter(), marker, any ? loopbackIndexes() : List.of());
        PcapHandle handle;
        try {
            handle = build(name, options, true);
        } catch (PcapNativeException | RuntimeException | UnsatisfiedLinkError e) {
            try {
                handle = build(name, options, false);
            } catch (PcapNativeException | RuntimeException second) {
                throw new LiveCaptureException(openProblem(name, second.getMessage()), second);
            }
        }
        try {
            if (any) {
                cookedV2(handle);
            }
            handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException | NotOpenException e) {
            handle.close();
            throw new LiveCaptureException(name + ": libpcap refuses the filter '" + options.filter() + "': "
                    + e.getMessage(), e);
        }
        LiveInterface live = new LiveInterface(name, handle, filter, options);
        try {
            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            if (marker) {
                live.sendStartMarker();
            }
            long settle = options.immediate() ? SETTLE_QUIET_NANOS : 2L * options.timeoutMillis() * 1_000_000L
                    + SETTLE_QUIET_NANOS;
            live.settled = live.startCounting(settle);
        } catch (PcapNativeException | NotOpenException | LiveCaptureException | InterruptedException e) {
            live.close();
            throw new LiveCaptureException(name + ": cannot start reading: " + e.getMessage(), e);
        }
        return live;
    }

    /**
     * Sends the start marker to ourselves and waits (up to a second) until the kernel has counted
     * it. It is never delivered: in libpcap's user-space pass the packet-type load of
     * {@code inbound} fails the whole filter, marker branch included (LiveInterfaceFilterTest).
     */
    private void sendStartMarker() throws PcapNativeException, NotOpenException, LiveCaptureException,
            InterruptedException {
        handle.sendPacket(startMarker());
        for (int i = 0; i < 100 && counters().received() == 0; i++) {
            Thread.sleep(10);
        }
    }

    /**
     * Until the filter is attached the socket takes every packet, and the kernel counts them all;
     * what was in the ring then is filtered again in user space by libpcap (never delivered when
     * it fails, though counted). So reads and throws away what arrives (it predates the capture)
     * until the ring has settled: for {@code settleNanos} (two block timeouts) neither did the
     * kernel count a packet nor was one delivered. By then every block holding a packet counted so
     * far (the start marker's included) was retired by the kernel and passed through libpcap, and
     * counting from here makes received and delivered describe the same packets exactly. On an
     * interface that stays busy it never settles: after {@code MAX_SETTLE_NANOS} it counts from
     * there, and says so.
     *
     * @return whether the ring settled
     */
    private boolean startCounting(long settleNanos) throws LiveCaptureException, InterruptedException {
        FrameSink discard = (number, ts, link, buf, off, cap, orig) -> { };
        long start = System.nanoTime();
        long quietSince = start;
        PcapCounters last = counters();
        boolean settled = false;
        while (!settled && System.nanoTime() - start < MAX_SETTLE_NANOS) {
            int n = dispatch(discard);
            PcapCounters now = counters();
            long t = System.nanoTime();
            if (n > 0 || !now.equals(last)) {
                quietSince = t;
                last = now;
            } else {
                settled = t - quietSince >= settleNanos;
                Thread.sleep(1);
            }
        }
        frames = 0;
        baseline = last;
        return settled;
    }


    /**
     * The filter the kernel runs. On a loopback interface every packet passes the packet socket
     * twice, once outgoing and once incoming; libpcap throws the outgoing copy away in user space,
     * after the kernel counted it (and after it took ring space). Rejecting it in the kernel
     * ({@code inbound}, the packet-type test) halves the ring load and makes {@code pcap_stats}
     * count each packet once, so that received = delivered + dropped holds exactly.
     *
     * <p>libpcap runs the filter in user space on what was in the ring when it was attached (one
     * slot in immediate mode, the open block in block mode), and there the packet-type test always
     * fails: those packets would be counted and lost. So the filter also accepts a start marker
     * frame (EtherType {@value #START_ETHERTYPE}, IEEE local experimental) that the agent sends to
     * itself to use up that slot or block before it starts counting.
     */
    static String kernelFilter(String filter, boolean loopback, List<Integer> anyLoopbacks) {
        if (!anyLoopbacks.isEmpty()) {
            // "any" sees loopback traffic twice too, and libpcap skips the outgoing copy after the
            // kernel counted it: keep it out of the socket by its interface index (SLL2 header)
            StringBuilder lo = new StringBuilder();
            for (int index : anyLoopbacks) {
                lo.append(lo.length() == 0 ? "" : " or ").append("ifindex ").append(index);
            }
            String skip = "not (outbound and (" + lo + "))";
            return filter.isBlank() ? skip : skip + " and (" + filter + ")";
        }
        if (!loopback) {
            return filter;
        }
        String in = filter.isBlank() ? "inbound" : "inbound and (" + filter + ")";
        return "(" + in + ") or ether proto " + START_ETHERTYPE;
    }

    /**
     * {@code any} captures in Linux cooked mode. libpcap 1.10 offers the v2 header (LINKTYPE_LINUX_SLL2,
     * what tcpdump 4.99 picks): it carries the interface index, which the loopback rule of {@link
     * #kernelFilter} tests. Where libpcap cannot switch (older versions), the v1 header stays and
     * the filter compile fails with a clear message.
     */
    private static void cookedV2(PcapHandle handle) throws PcapNativeException, NotOpenException {
        handle.setDlt(new DataLinkType(LINKTYPE_LINUX_SLL2, "LINUX_SLL2"));
    }

    /** Interface indexes of the loopback interfaces in this network namespace. */
    private static List<Integer> loopbackIndexes() throws LiveCaptureException {
        List<Integer> out = new ArrayList<>();
        try {
            for (NetworkInterface n : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (n.isLoopback() && n.getIndex() > 0) {
                    out.add(n.getIndex());
                }
            }
        } catch (SocketException e) {
            throw new LiveCaptureException("any: cannot list the interfaces: " + e.getMessage(), e);
        }
        return out;
    }

    /** A minimum-size Ethernet frame to the loopback's all-zero address with the marker EtherType. */
    static byte[] startMarker() {
        byte[] f = new byte[60];
        f[12] = (byte) (START_ETHERTYPE >>> 8);
        f[13] = (byte) START_ETHERTYPE;
        byte[] tag = "nfe capture start".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, f, 14, tag.length);
        return f;
    }

    private static boolean loopback(String name) {
        try {
            PcapNetworkInterface nif = Pcaps.getDevByName(name);
            return nif != null && nif.isLoopBack();
        } catch (PcapNativeException e) {
            return false; // "any" and devices libpcap cannot list: no rewrite
        }
    }

    private static PcapHandle build(String name, LiveOptions o, boolean nanos) throws PcapNativeException {
        PcapHandle.Builder b = new PcapHandle.Builder(name)
                .snaplen(o.snaplen())
                .bufferSize(o.bufferBytes())
                .timeoutMillis(o.timeoutMillis())
                .immediateMode(o.immediate())
                .promiscuousMode(o.promiscuous() ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                        : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS);
        if (nanos) {
            b.timestampPrecision(PcapHandle.TimestampPrecision.NANO);
        }
        return b.build();
    }

    /** libpcap's words, plus the fix a person needs for the usual causes. */
    static String openProblem(String name, String libpcap) {
        String msg = libpcap == null ? "unknown error" : libpcap;
        String lower = msg.toLowerCase(Locale.ROOT);
        String hint = "";
        if (lower.contains("permission") || lower.contains("not permitted")) {
            hint = "; run as root or give nfe CAP_NET_RAW and CAP_NET_ADMIN (see deploy/systemd/README.md)";
        } else if (lower.contains("no such device")) {
            hint = "; list interfaces with 'ip link'";
        }
        return "cannot capture on " + name + ": " + msg + hint;
    }

    /**
     * One non-blocking {@code pcap_dispatch}: delivers the frames that are ready to {@code sink}.
     *
     * @return frames delivered (0: none ready), or -1 when {@link #breakLoop} interrupted it
     * @throws LiveCaptureException when libpcap reports an error (the interface went away, say)
     */
    @Override
    public int dispatch(FrameSink to) throws LiveCaptureException {
        this.sink = to;
        try {
            return handle.dispatch(-1, listener);
        } catch (InterruptedException e) {
            return -1; // pcap4j's signal for pcap_breakloop (rc -2); the thread was not interrupted
        } catch (PcapNativeException | NotOpenException e) {
            throw new LiveCaptureException(name + ": capture failed after " + frames + " frames: " + e.getMessage(), e);
        }
    }

    private void frame(byte[] packet) {
        Timestamp ts = handle.getTimestamp();
        long nanosSinceEpoch = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
        Integer original = handle.getOriginalLength();
        sink.frame(++frames, nanosSinceEpoch, linkType, packet, 0, packet.length,
                original == null ? packet.length : original);
    }

    /** Makes a running or the next {@link #dispatch} return at once (any thread). */
    @Override
    public void breakLoop() {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // already closed: nothing left to stop
        }
    }

    /** The interface's {@code pcap_stats} totals since it was opened (and its filter attached). */
    @Override
    public PcapCounters counters() throws LiveCaptureException {
        try {
            PcapStat s = handle.getStats();
            return new PcapCounters(s.getNumPacketsReceived() - baseline.received(),
                    s.getNumPacketsDropped() - baseline.dropped(), s.getNumPacketsDroppedByIf() - baseline.ifDropped());
        } catch (PcapNativeException | NotOpenException e) {
            throw new LiveCaptureException(name + ": pcap_stats failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int linkType() {
        return linkType;
    }

    /** Whether timestamps carry nanoseconds (else microseconds). */
    @Override
    public boolean nanosecondTimestamps() {
        return nanos;
    }

    /** The filter the kernel runs (the user's, made inbound-only on loopback). */
    @Override
    public String filter() {
        return filter;
    }

    /**
     * Whether the ring had settled when counting started. When not (traffic never stopped for two
     * block timeouts during the first 2 s), the packets of the block that was open then may be
     * delivered without having been counted, or, on loopback, lost to libpcap's user-space filter.
     */
    @Override
    public boolean settledAtStart() {
        return settled;
    }

    /** Frames delivered so far. */
    @Override
    public long frames() {
        return frames;
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public void close() {
        handle.close();
    }
}
