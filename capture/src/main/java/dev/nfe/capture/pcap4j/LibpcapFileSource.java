package dev.nfe.capture.pcap4j;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSink;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.NotACaptureException;
import dev.nfe.capture.file.CaptureFormat;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.concurrent.TimeoutException;

/**
 * Reads a capture file through libpcap (pcap4j 1.8.2, JNA), for {@code --reader libpcap}: a second
 * opinion on files the plain reader ({@link dev.nfe.capture.file.CaptureFiles}) handles, at a
 * fraction of its speed (one JNA call and one array per frame).
 *
 * <p>Frames are taken raw ({@code getNextRawPacketEx}), with the header's timestamp and original
 * length; pcap4j's packet factories are not used. pcap4j's {@link EOFException} (clean end) and
 * {@link TimeoutException} (cannot happen offline) are handled here, once; a libpcap read error
 * becomes a {@link CaptureDamagedException}.
 *
 * <p>Differences from the plain reader, all from libpcap itself:
 * <ul>
 *   <li>libpcap 1.10 refuses a pcapng file whose interfaces have different link types ("an
 *       interface has a type N different from the type of the first interface"); the error
 *       surfaces when the second interface's block is reached, as a
 *       {@link CaptureDamagedException} after the frames before it. Use the plain reader.</li>
 *   <li>libpcap cuts a pcap record whose captured length exceeds the file's snap length down to
 *       the snap length; the plain reader delivers it whole.</li>
 *   <li>Byte offsets are known for pcap files only (counted from the record lengths libpcap
 *       reports); for pcapng libpcap does not tell where it is, so {@link #position()} and the
 *       damage offset are -1.</li>
 * </ul>
 */
public final class LibpcapFileSource implements FrameSource {
    private static final int PCAP_FILE_HEADER = 24;
    private static final int PCAP_RECORD_HEADER = 16;

    private final PcapHandle handle;
    private final String description;
    private final long size;
    private final int linkType;
    private final boolean pcap;
    private long position;
    private long frames;
    private CaptureDamagedException damage;

    private LibpcapFileSource(PcapHandle handle, String description, long size, boolean pcap) {
        this.handle = handle;
        this.description = description;
        this.size = size;
        this.linkType = linkType(handle.getDlt().value());
        this.pcap = pcap;
        this.position = pcap ? PCAP_FILE_HEADER : -1;
    }

    /**
     * Opens {@code path} with libpcap, asking for nanosecond timestamps (libpcap 1.5 and later) and
     * falling back to microseconds.
     *
     * @throws NotACaptureException when the file is not a capture or libpcap refuses it
     */
    public static LibpcapFileSource open(Path path) throws IOException {
        CaptureFormat format = CaptureFormat.probe(path);
        String name = path.toString();
        PcapHandle handle;
        try {
            handle = openNanos(name);
        } catch (PcapNativeException e) {
            throw new NotACaptureException(name + ": libpcap cannot read it: " + e.getMessage());
        }
        return new LibpcapFileSource(handle, name, Files.size(path), format == CaptureFormat.PCAP);
    }

    private static PcapHandle openNanos(String name) throws PcapNativeException {
        try {
            return Pcaps.openOffline(name, PcapHandle.TimestampPrecision.NANO);
        } catch (UnsatisfiedLinkError | PcapNativeException e) {
            // libpcap before 1.5 has no pcap_open_offline_with_tstamp_precision, or refuses NANO
            return Pcaps.openOffline(name);
        }
    }

    @Override
    public boolean next(FrameSink sink) throws IOException {
        if (damage != null) {
            throw damage;
        }
        byte[] raw;
        try {
            raw = handle.getNextRawPacketEx();
        } catch (EOFException e) {
            return false;
        } catch (TimeoutException e) {
            // pcap_next_ex returns 0 only for live captures with a read timeout; not for files
            throw new IOException(description + ": libpcap reported a read timeout on a file", e);
        } catch (PcapNativeException e) {
            damage = new CaptureDamagedException(description + ": libpcap stopped after " + frames + " frames"
                    + (pcap ? " at byte " + position : "") + ": " + e.getMessage(), position, frames);
            throw damage;
        } catch (NotOpenException e) {
            throw new IOException(description + ": source is closed", e);
        }
        Timestamp ts = handle.getTimestamp();
        long nanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
        int original = handle.getOriginalLength();
        if (pcap) {
            position += PCAP_RECORD_HEADER + raw.length;
        }
        sink.frame(++frames, nanos, linkType, raw, 0, raw.length, original);
        return true;
    }

    /**
     * libpcap reports DLT_* values, which differ from the LINKTYPE_* values in files (and in
     * {@link FrameSink}'s contract) for a few types; this is libpcap's own dlt_to_linktype table for
     * them. DLT_RAW is 12 (14 on OpenBSD) where LINKTYPE_RAW is 101. A file that says 12 itself
     * therefore comes out as 101 here and as 12 from the plain reader; both decode as raw IP.
     */
    static int linkType(int dlt) {
        return linkTypeOf(dlt);
    }

    /** libpcap's DLT_* value as the LINKTYPE_* value (see {@link #linkType}); shared with live capture. */
    public static int linkTypeOf(int dlt) {
        return switch (dlt) {
            case 11 -> 100;      // DLT_ATM_RFC1483
            case 12, 14 -> 101;  // DLT_RAW
            case 15 -> 102;      // DLT_SLIP_BSDOS
            case 16 -> 103;      // DLT_PPP_BSDOS
            case 19 -> 106;      // DLT_ATM_CLIP (Linux)
            default -> dlt;
        };
    }

    /** The LINKTYPE_* of the file (the first interface's, for pcapng). */
    public int linkType() {
        return linkType;
    }

    /** The timestamp precision libpcap agreed to deliver. */
    public boolean nanosecondPrecision() {
        return handle.getTimestampPrecision() == PcapHandle.TimestampPrecision.NANO;
    }

    /** Bytes consumed, for pcap files; -1 for pcapng (libpcap does not say). */
    @Override
    public long position() {
        return position;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        handle.close();
    }
}
