package dev.nfe.capture.file;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSink;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.NotACaptureException;

import java.io.IOException;
import java.util.Arrays;

/**
 * Reads pcapng (draft-ietf-opsawg-pcapng). Each section has its own byte order and its own list of
 * interfaces; every interface has its own link type, snap length and timestamp resolution/offset.
 * Packets come from Enhanced Packet Blocks, Simple Packet Blocks and the obsolete Packet Block;
 * every other block (name resolution, interface statistics, decryption secrets, custom, systemd
 * journal, unknown) is checked for a sane length and skipped.
 *
 * <p>Damage rules: reading stops with {@link CaptureDamagedException} at the offset of the block
 * when its 8-byte header or its body runs past the end of the file; its total length is below 12,
 * not a multiple of 4, or above {@link #MAX_BLOCK_LENGTH}; its trailing total length differs from
 * the leading one; a packet block's captured length exceeds the block or is absurd (more than
 * {@link PcapFileSource#MAX_CAPTURED_LENGTH}, or more than the interface's snap length plus
 * {@link PcapFileSource#SNAPLEN_SLACK}); it names an interface that the section has not described;
 * a Section Header Block has an unknown byte-order magic or major version; or an option runs past
 * the end of its block. These follow Wireshark's own rejections, so tshark and this reader stop at
 * the same block.
 *
 * <p>A Simple Packet Block carries no timestamp; its frame gets the timestamp of the frame before
 * it (0 at the start), so that time never runs backwards for the consumer.
 */
public final class PcapngFileSource implements FrameSource {
    /** Largest block accepted (16 MiB): far above any packet block, low enough to catch garbage lengths. */
    public static final int MAX_BLOCK_LENGTH = 16 << 20;

    static final int SHB = 0x0a0d0d0a;
    static final int IDB = 0x00000001;
    static final int OPB = 0x00000002;
    static final int SPB = 0x00000003;
    static final int EPB = 0x00000006;
    static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;

    private static final int OPT_ENDOFOPT = 0;
    private static final int IF_TSRESOL = 9;
    private static final int IF_TSOFFSET = 14;

    /*
     * Every block, section 3.1:
     *   0: uint32 block type
     *   4: uint32 block total length (multiple of 4, includes both length fields)
     *   8: block body (padded to 32 bits)
     *   .: uint32 block total length (again)
     */
    private static final int BLOCK_HEADER = 8;
    private static final int MIN_BLOCK = 12;

    private final ChannelBuffer in;
    private final String description;
    private final long size;

    private boolean bigEndian;
    private int interfaces;
    private int[] linkTypes = new int[4];
    private long[] snapLengths = new long[4];
    private InterfaceClock[] clocks = new InterfaceClock[4];

    private long frames;
    private long lastTimestamp;
    /** if_tsresol of the interface of the frame delivered last. */
    private int lastTsresol = InterfaceClock.DEFAULT_TSRESOL;
    private int sections;
    private CaptureDamagedException damage;

    PcapngFileSource(ChannelBuffer in, String description) throws IOException {
        this.in = in;
        this.description = description;
        this.size = in.size();
        String problem = sectionHeader(true);
        if (problem != null) {
            throw new NotACaptureException(description + ": not a readable pcapng file: " + problem);
        }
    }

    @Override
    public boolean next(FrameSink sink) throws IOException {
        if (damage != null) {
            throw damage;
        }
        ChannelBuffer in = this.in;
        for (;;) {
            if (!in.ensure(BLOCK_HEADER)) {
                if (in.available() == 0) {
                    return false;
                }
                throw damaged("block header cut short by the end of the file (" + in.available() + " of 8 bytes)");
            }
            byte[] b = in.array();
            int p = in.pos();
            int type = Binary.i32(b, p, bigEndian);
            if (type == SHB) {
                String problem = sectionHeader(false);
                if (problem != null) {
                    throw damaged(problem);
                }
                continue;
            }
            int length = blockLength(b, p);
            if (length < 0) {
                throw damaged(lengthProblem(Binary.u32(b, p + 4, bigEndian)));
            }
            if (!in.ensure(length)) {
                throw damaged("block of type 0x" + Integer.toHexString(type) + " runs past the end of the file (needs "
                        + length + " bytes, " + in.available() + " left)");
            }
            b = in.array();
            p = in.pos();
            long trailing = Binary.u32(b, p + length - 4, bigEndian);
            if (trailing != length) {
                throw damaged("block of type 0x" + Integer.toHexString(type) + " has total length " + length
                        + " but trailing length " + trailing);
            }
            switch (type) {
                case EPB, OPB -> {
                    return packetBlock(sink, type, b, p, length);
                }
                case SPB -> {
                    return simplePacketBlock(sink, b, p, length);
                }
                case IDB -> {
                    String problem = interfaceDescription(b, p, length);
                    if (problem != null) {
                        throw damaged(problem);
                    }
                    in.skip(length);
                }
                default -> in.skip(length);
            }
        }
    }

    /** The block's total length when it is sane, else -1. */
    private int blockLength(byte[] b, int p) {
        long length = Binary.u32(b, p + 4, bigEndian);
        if (length < MIN_BLOCK || (length & 3) != 0 || length > MAX_BLOCK_LENGTH) {
            return -1;
        }
        return (int) length;
    }

    private static String lengthProblem(long length) {
        if (length < MIN_BLOCK) {
            return "block total length " + length + " is below the minimum of " + MIN_BLOCK;
        }
        if ((length & 3) != 0) {
            return "block total length " + length + " is not a multiple of 4";
        }
        return "block total length " + length + " is above the limit of " + MAX_BLOCK_LENGTH;
    }

    /*
     * Enhanced Packet Block (type 6), section 4.3:        Packet Block (type 2, obsolete), appendix A:
     *   8: uint32 interface id                              8: uint16 interface id, 10: uint16 drops count
     *  12: uint32 timestamp, upper 32 bits                 12: uint32 timestamp, upper 32 bits
     *  16: uint32 timestamp, lower 32 bits                 16: uint32 timestamp, lower 32 bits
     *  20: uint32 captured packet length                   20: uint32 captured length
     *  24: uint32 original packet length                   24: uint32 packet length
     *  28: packet data, padded to 32 bits                  28: packet data, padded to 32 bits
     *   .: options                                          .: options
     */
    private boolean packetBlock(FrameSink sink, int type, byte[] b, int p, int length) throws CaptureDamagedException {
        String name = type == EPB ? "enhanced packet block" : "packet block";
        if (length < 32) {
            throw damaged(name + " of " + length + " bytes is shorter than its fixed fields");
        }
        int id = type == EPB ? Binary.i32(b, p + 8, bigEndian) : Binary.u16(b, p + 8, bigEndian);
        if (id < 0 || id >= interfaces) {
            throw damaged(name + " names interface " + Integer.toUnsignedString(id) + " but the section describes "
                    + interfaces);
        }
        long units = (Binary.u32(b, p + 12, bigEndian) << 32) | Binary.u32(b, p + 16, bigEndian);
        long captured = Binary.u32(b, p + 20, bigEndian);
        String problem = capturedProblem(captured, length - 32, snapLengths[id]);
        if (problem != null) {
            throw damaged(name + " " + problem);
        }
        long original = Binary.u32(b, p + 24, bigEndian);
        long timestamp = clocks[id].toNanos(units);
        lastTsresol = clocks[id].tsresol();
        return deliver(sink, timestamp, linkTypes[id], b, p + 28, (int) captured, original, length);
    }

    /*
     * Simple Packet Block (type 3), section 4.4: always interface 0, no timestamp.
     *   8: uint32 original packet length
     *  12: packet data, padded to 32 bits
     * Captured length = min(original length, interface 0's snap length (0 = unlimited), block space).
     */
    private boolean simplePacketBlock(FrameSink sink, byte[] b, int p, int length) throws CaptureDamagedException {
        if (length < 16) {
            throw damaged("simple packet block of " + length + " bytes is shorter than its fixed fields");
        }
        if (interfaces == 0) {
            throw damaged("simple packet block before any interface description block");
        }
        long original = Binary.u32(b, p + 8, bigEndian);
        long captured = Math.min(original, length - 16);
        if (snapLengths[0] > 0) {
            captured = Math.min(captured, snapLengths[0]);
        }
        String problem = capturedProblem(captured, length - 16, snapLengths[0]);
        if (problem != null) {
            throw damaged("simple packet block " + problem);
        }
        lastTsresol = clocks[0].tsresol();
        return deliver(sink, lastTimestamp, linkTypes[0], b, p + 12, (int) captured, original, length);
    }

    private static String capturedProblem(long captured, int space, long snapLength) {
        if (captured > space) {
            return "claims " + captured + " captured bytes but has room for " + space;
        }
        long limit = snapLength == 0 ? PcapFileSource.MAX_CAPTURED_LENGTH
                : Math.min(PcapFileSource.MAX_CAPTURED_LENGTH, snapLength + PcapFileSource.SNAPLEN_SLACK);
        if (captured > limit) {
            return "claims " + captured + " captured bytes, more than the limit of " + limit + " (snap length "
                    + snapLength + ")";
        }
        return null;
    }

    private boolean deliver(FrameSink sink, long timestamp, int linkType, byte[] b, int off, int captured,
                            long original, int blockLength) {
        in.skip(blockLength);
        lastTimestamp = timestamp;
        long number = ++frames;
        sink.frame(number, timestamp, linkType, b, off, captured, (int) Math.min(original, Integer.MAX_VALUE));
        return true;
    }

    /*
     * Interface Description Block (type 1), section 4.2:
     *   8: uint16 LinkType
     *  10: uint16 reserved
     *  12: uint32 SnapLen (0 = no limit)
     *  16: options (if_tsresol = 9: 1 byte; if_tsoffset = 14: int64 seconds)
     */
    private String interfaceDescription(byte[] b, int p, int length) {
        if (length < 20) {
            return "interface description block of " + length + " bytes is shorter than its fixed fields";
        }
        int linkType = Binary.u16(b, p + 8, bigEndian);
        long snapLength = Binary.u32(b, p + 12, bigEndian);
        int tsresol = InterfaceClock.DEFAULT_TSRESOL;
        long tsoffset = 0;
        /*
         * Options, section 3.5: uint16 code, uint16 length, value padded to 32 bits; opt_endofopt (0) ends
         * the list, which may also simply end with the block.
         */
        int q = p + 16;
        int end = p + length - 4;
        while (end - q >= 4) {
            int code = Binary.u16(b, q, bigEndian);
            int optionLength = Binary.u16(b, q + 2, bigEndian);
            if (code == OPT_ENDOFOPT) {
                break;
            }
            int padded = (optionLength + 3) & ~3;
            if (padded > end - q - 4) {
                return "interface description block option " + code + " of " + optionLength
                        + " bytes runs past the end of the block";
            }
            if (code == IF_TSRESOL && optionLength == 1) {
                tsresol = b[q + 4] & 0xff;
            } else if (code == IF_TSOFFSET && optionLength == 8) {
                tsoffset = Binary.i64(b, q + 4, bigEndian);
            }
            q += 4 + padded;
        }
        InterfaceClock clock = InterfaceClock.of(tsresol, tsoffset);
        if (clock == null) {
            return "interface description block has an unusable if_tsresol 0x" + Integer.toHexString(tsresol);
        }
        if (interfaces == linkTypes.length) {
            linkTypes = Arrays.copyOf(linkTypes, interfaces * 2);
            snapLengths = Arrays.copyOf(snapLengths, interfaces * 2);
            clocks = Arrays.copyOf(clocks, interfaces * 2);
        }
        linkTypes[interfaces] = linkType;
        snapLengths[interfaces] = snapLength;
        clocks[interfaces] = clock;
        interfaces++;
        return null;
    }

    /*
     * Section Header Block (type 0x0A0D0D0A, the same in both byte orders), section 4.1:
     *   8: uint32 byte-order magic 0x1A2B3C4D, as written: tells this section's byte order
     *  12: uint16 major version (1)
     *  14: uint16 minor version (0, or 2 from some old writers)
     *  16: int64 section length (-1 = not given; never needed to read sequentially)
     *  24: options
     * A new section forgets the interfaces of the previous one.
     */
    private String sectionHeader(boolean first) throws IOException {
        if (!in.ensure(12)) {
            return "section header block cut short by the end of the file (" + in.available() + " of 12 bytes)";
        }
        byte[] b = in.array();
        int p = in.pos();
        int magic = Binary.i32(b, p + 8, true);
        if (magic == BYTE_ORDER_MAGIC) {
            bigEndian = true;
        } else if (Integer.reverseBytes(magic) == BYTE_ORDER_MAGIC) {
            bigEndian = false;
        } else {
            return "section header block has an unknown byte-order magic 0x" + Integer.toHexString(magic);
        }
        long declared = Binary.u32(b, p + 4, bigEndian);
        int length = blockLength(b, p);
        if (length < 0 || length < 28) {
            return length < 0 ? lengthProblem(declared) : "section header block of " + length + " bytes is too short";
        }
        if (!in.ensure(length)) {
            return "section header block runs past the end of the file (needs " + length + " bytes, "
                    + in.available() + " left)";
        }
        b = in.array();
        p = in.pos();
        long trailing = Binary.u32(b, p + length - 4, bigEndian);
        if (trailing != length) {
            return "section header block has total length " + length + " but trailing length " + trailing;
        }
        int major = Binary.u16(b, p + 12, bigEndian);
        if (major != 1) {
            return "unsupported pcapng version " + major + "." + Binary.u16(b, p + 14, bigEndian);
        }
        interfaces = 0;
        sections++;
        in.skip(length);
        return null;
    }

    private CaptureDamagedException damaged(String what) {
        long at = in.position();
        damage = new CaptureDamagedException(description + ": pcapng damaged at byte " + at + ": " + what
                + "; " + frames + " frames read before it", at, frames);
        return damage;
    }

    /** The if_tsresol of the interface of the frame delivered last. */
    @Override
    public int timestampResolution() {
        return lastTsresol;
    }

    /** Sections seen so far. */
    public int sections() {
        return sections;
    }

    /** Interfaces described in the current section so far. */
    public int interfaces() {
        return interfaces;
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
        return "PcapngFileSource[" + description + "]";
    }
}
