package dev.nfe.capture.file;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSink;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.NotACaptureException;

import java.io.IOException;

/**
 * Reads the classic libpcap file format (draft-ietf-opsawg-pcap), in either byte order, with
 * microsecond ({@code a1b2c3d4}) or nanosecond ({@code a1b23c4d}) timestamps.
 *
 * <p>Damage rules. A record is damaged, and reading stops with {@link CaptureDamagedException}
 * at the offset of its header, when
 * <ul>
 *   <li>its 16-byte header or its captured bytes run past the end of the file (a file cut short;
 *       a cut exactly between two records is a clean end);</li>
 *   <li>its captured length is absurd: more than {@link #MAX_CAPTURED_LENGTH} (libpcap's and
 *       Wireshark's limit for ordinary link types), or more than the file's snap length plus
 *       {@link #SNAPLEN_SLACK}. Real writers never exceed the snap length; the slack keeps us
 *       tolerant of writers that put a small or wrong snap length in the header, while a garbage
 *       header (random 32-bit length) is still caught.</li>
 * </ul>
 * An original length smaller than the captured length is passed on as it is; the decoder trusts
 * the IP lengths, not this field.
 */
public final class PcapFileSource implements FrameSource {
    /** Largest captured length accepted (262144, libpcap's MAXIMUM_SNAPLEN). */
    public static final int MAX_CAPTURED_LENGTH = 262_144;
    /** How far above the header's snap length a captured length may go before it counts as damage. */
    public static final int SNAPLEN_SLACK = 65_536;

    /*
     * File header, draft-ietf-opsawg-pcap section 4 (all fields in the writer's byte order):
     *
     *   0: uint32 magic          a1b2c3d4 (us) or a1b23c4d (ns); byte-swapped when written on the other endianness
     *   4: uint16 version_major  2
     *   6: uint16 version_minor  4
     *   8: int32  reserved1      (thiszone, always 0 in practice; ignored, as by libpcap and Wireshark)
     *  12: uint32 reserved2      (sigfigs)
     *  16: uint32 snaplen
     *  20: uint32 linktype       bits 0-15 LINKTYPE_*, 16-25 reserved, 26 P (FCS length present), 28-31 FCS length
     */
    static final int FILE_HEADER_LENGTH = 24;

    /*
     * Record header, section 5:
     *
     *   0: uint32 ts_sec
     *   4: uint32 ts_usec        microseconds, or nanoseconds in a nanosecond file
     *   8: uint32 incl_len       captured length: the bytes that follow
     *  12: uint32 orig_len       length on the wire
     *  16: packet data (incl_len bytes, no padding)
     */
    static final int RECORD_HEADER_LENGTH = 16;

    private final ChannelBuffer in;
    private final String description;
    private final long size;
    private final boolean bigEndian;
    private final boolean nanos;
    private final int linkType;
    private final long snapLength;
    private final long capturedLimit;
    private long frames;
    private CaptureDamagedException damage;

    PcapFileSource(ChannelBuffer in, String description) throws IOException {
        this.in = in;
        this.description = description;
        this.size = in.size();
        if (!in.ensure(FILE_HEADER_LENGTH)) {
            throw new NotACaptureException(description + ": pcap file header cut short (" + in.available() + " of "
                    + FILE_HEADER_LENGTH + " bytes)");
        }
        byte[] b = in.array();
        int p = in.pos();
        int magic = Binary.i32(b, p, true);
        this.bigEndian = magic == CaptureFormat.PCAP_MICROS || magic == CaptureFormat.PCAP_NANOS;
        int native32 = Binary.i32(b, p, bigEndian);
        this.nanos = native32 == CaptureFormat.PCAP_NANOS;
        int major = Binary.u16(b, p + 4, bigEndian);
        if (major != 2) {
            throw new NotACaptureException(description + ": unsupported pcap version " + major + "."
                    + Binary.u16(b, p + 6, bigEndian));
        }
        this.snapLength = Binary.u32(b, p + 16, bigEndian);
        // the low 16 bits of the 32-bit field (at offset 22 in a big-endian file, not 20)
        this.linkType = Binary.i32(b, p + 20, bigEndian) & 0xffff;
        this.capturedLimit = snapLength == 0 ? MAX_CAPTURED_LENGTH
                : Math.min(MAX_CAPTURED_LENGTH, snapLength + SNAPLEN_SLACK);
        in.skip(FILE_HEADER_LENGTH);
    }

    @Override
    public boolean next(FrameSink sink) throws IOException {
        if (damage != null) {
            throw damage;
        }
        ChannelBuffer in = this.in;
        if (!in.ensure(RECORD_HEADER_LENGTH)) {
            if (in.available() == 0) {
                return false;
            }
            throw damaged("record header cut short by the end of the file (" + in.available() + " of "
                    + RECORD_HEADER_LENGTH + " bytes)");
        }
        byte[] b = in.array();
        int p = in.pos();
        long captured = Binary.u32(b, p + 8, bigEndian);
        if (captured > capturedLimit) {
            throw damaged("record " + (frames + 1) + " claims " + captured + " captured bytes, more than the limit of "
                    + capturedLimit + " (snap length " + snapLength + ")");
        }
        int caplen = (int) captured;
        int total = RECORD_HEADER_LENGTH + caplen;
        if (!in.ensure(total)) {
            throw damaged("record " + (frames + 1) + " runs past the end of the file (needs " + total + " bytes, "
                    + in.available() + " left)");
        }
        b = in.array();
        p = in.pos();
        long seconds = Binary.u32(b, p, bigEndian);
        long fraction = Binary.u32(b, p + 4, bigEndian);
        long timestamp = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1_000L);
        int original = (int) Math.min(Binary.u32(b, p + 12, bigEndian), Integer.MAX_VALUE);
        in.skip(total);
        long number = ++frames;
        sink.frame(number, timestamp, linkType, b, p + RECORD_HEADER_LENGTH, caplen, original);
        return true;
    }

    private CaptureDamagedException damaged(String what) {
        long at = in.position();
        damage = new CaptureDamagedException(description + ": pcap damaged at byte " + at + ": " + what
                + "; " + frames + " frames read before it", at, frames);
        return damage;
    }

    /** LINKTYPE_* of every frame in this file (low 16 bits of the header's link type field). */
    public int linkType() {
        return linkType;
    }

    /** Snap length from the file header (0 when the writer left it unset). */
    public long snapLength() {
        return snapLength;
    }

    /** True for the nanosecond variant ({@code a1b23c4d}). */
    public boolean nanosecondTimestamps() {
        return nanos;
    }

    /** Microseconds (6) or nanoseconds (9), as the magic number says, for every frame. */
    @Override
    public int timestampResolution() {
        return nanos ? 9 : 6;
    }

    /** True when the file was written big-endian. */
    public boolean bigEndian() {
        return bigEndian;
    }

    @Override
    public long position() {
        return in.position();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String description() {
        return description;
    }

    /** The read buffer is replaced, never rewritten, when it refills. */
    @Override
    public boolean stableBuffers() {
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    @Override
    public String toString() {
        return "PcapFileSource[" + description + " linktype=" + linkType + (nanos ? " ns" : " us")
                + (bigEndian ? " big-endian" : "") + "]";
    }
}
