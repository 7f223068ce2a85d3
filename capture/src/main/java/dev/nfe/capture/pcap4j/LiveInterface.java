package dev.nfe.capture.pcap4j;

import dev.nfe.capture.FrameSink;
import dev.nfe.capture.live.LiveCaptureException;
import dev.nfe.capture.live.LiveOptions;
import dev.nfe.capture.live.PcapCounters;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

import java.io.Closeable;
import java.sql.Timestamp;
import java.util.Locale;

/**
 * One interface captured live through libpcap (pcap4j 1.8.2, JNA).
 *
 * <p>Frames are read with non-blocking {@code pcap_dispatch}; the caller's capture thread waits
 * between empty reads itself. Blocking reads cannot be trusted to come back: with libpcap 1.10
 * {@code getNextPacketEx} ignores the read timeout, and a blocking {@code pcap_dispatch} polls
 * without a timeout too, relying on the kernel to wake it when it retires a ring block
 * (TPACKET_V3) or, in immediate mode (TPACKET_V2), waiting for the next packet. On this
 * project's Linux 6.18 test machine a quiet interface was never woken, so a stop was never seen.
 * In block mode the kernel did not always retire a partly filled block either (6 packets waited
 * for seconds on an interface that then stayed quiet), which is why immediate mode is the
 * default. {@link #breakLoop} ends a running dispatch early.
 *
 * <p>Threading: {@link #dispatch}, {@link #counters} and {@link #close} belong to one capture
 * thread; {@link #breakLoop} may be called from any thread. pcap4j delivers each frame as a fresh
 * array, so sinks may keep it.
 */
public final class LiveInterface implements Closeable {
    /** EtherType of the start marker (IEEE 802 local experimental 1). */
    static final int START_ETHERTYPE = 0x88b5;

    private final String name;
    private final PcapHandle handle;
    private final int linkType;
    private final boolean nanos;
    private final RawPacketListener listener = this::frame;
    private FrameSink sink;
    private long frames;
    private PcapCounters baseline = PcapCounters.ZERO;

    private final String filter;

    private LiveInterface(String name, PcapHandle handle, String filter) {
        this.name = name;
        this.filter = filter;
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
        String filter = kernelFilter(options.filter(), loopback(name));
        try {
            handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException | NotOpenException e) {
            handle.close();
            throw new LiveCaptureException(name + ": libpcap refuses the filter '" + options.filter() + "': "
                    + e.getMessage(), e);
        }
        LiveInterface live = new LiveInterface(name, handle, filter);
        try {
            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            if (!filter.equals(options.filter())) {
                live.sendStartMarker();
            }
            live.startCounting();
        } catch (PcapNativeException | NotOpenException | LiveCaptureException | InterruptedException e) {
            live.close();
            throw new LiveCaptureException(name + ": cannot start reading: " + e.getMessage(), e);
        }
        return live;
    }

    /**
     * Sends the start marker to ourselves and waits (up to a second) until the kernel has counted
     * it, so that {@link #startCounting} reads it through libpcap's user-space filter slot.
     */
    private void sendStartMarker() throws PcapNativeException, NotOpenException, LiveCaptureException,
            InterruptedException {
        handle.sendPacket(startMarker());
        for (int i = 0; i < 100 && counters().received() == 0; i++) {
            Thread.sleep(10);
        }
    }

    /**
     * Until the filter is attached the socket takes every packet; libpcap filters those in user
     * space, but the kernel has already counted them as received. Reads what arrived before (and
     * throws it away: it predates the capture) and counts from here, so that received and
     * delivered describe the same packets.
     */
    private void startCounting() throws LiveCaptureException {
        FrameSink discard = (number, ts, link, buf, off, cap, orig) -> { };
        for (int i = 0; i < 100_000 && dispatch(discard) > 0; i++) {
            // one more ring slot
        }
        frames = 0;
        baseline = counters();
    }

    /**
     * The filter the kernel runs. On a loopback interface every packet passes the packet socket
     * twice, once outgoing and once incoming; libpcap throws the outgoing copy away in user space,
     * after the kernel counted it (and after it took ring space). Rejecting it in the kernel
     * ({@code inbound}, the packet-type test) halves the ring load and makes {@code pcap_stats}
     * count each packet once, so that received = delivered + dropped holds exactly.
     *
     * <p>libpcap runs the filter in user space on the first frame after it is attached (it may
     * have been in flight), and there the packet-type test always fails: that frame would be lost.
     * So the filter also accepts a start marker frame (EtherType {@value #START_ETHERTYPE}, IEEE
     * local experimental) that the agent sends to itself to use up that slot.
     */
    static String kernelFilter(String filter, boolean loopback) {
        if (!loopback) {
            return filter;
        }
        String in = filter.isBlank() ? "inbound" : "inbound and (" + filter + ")";
        return "(" + in + ") or ether proto " + START_ETHERTYPE;
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
    public void breakLoop() {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // already closed: nothing left to stop
        }
    }

    /** The interface's {@code pcap_stats} totals since it was opened (and its filter attached). */
    public PcapCounters counters() throws LiveCaptureException {
        try {
            PcapStat s = handle.getStats();
            return new PcapCounters(s.getNumPacketsReceived() - baseline.received(),
                    s.getNumPacketsDropped() - baseline.dropped(), s.getNumPacketsDroppedByIf() - baseline.ifDropped());
        } catch (PcapNativeException | NotOpenException e) {
            throw new LiveCaptureException(name + ": pcap_stats failed: " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public int linkType() {
        return linkType;
    }

    /** Whether timestamps carry nanoseconds (else microseconds). */
    public boolean nanosecondTimestamps() {
        return nanos;
    }

    /** The filter the kernel runs (the user's, made inbound-only on loopback). */
    public String filter() {
        return filter;
    }

    /** Frames delivered so far. */
    public long frames() {
        return frames;
    }

    @Override
    public void close() {
        handle.close();
    }
}
