package dev.nfe.capture.file;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Writes pcapng (draft-ietf-opsawg-pcapng): one little-endian section whose header may carry a
 * comment, an Interface Description Block for each (link type, timestamp resolution) the frames
 * actually use, written just before the first frame that needs it, and one Enhanced Packet Block
 * per frame with its captured bytes as given and any number of comments ({@code opt_comment},
 * which Wireshark shows as {@code frame.comment}).
 *
 * <p>Frames are copied, never re-encoded. A frame's timestamp is written in the resolution its
 * source recorded it in ({@link dev.nfe.capture.FrameSource#timestampResolution()}): a
 * microsecond capture stays microsecond, a nanosecond one nanosecond. Resolutions finer than a
 * nanosecond and binary ones arrive here already as nanoseconds (the readers' common unit) and are
 * written as such.
 *
 * <p>Not thread-safe. The caller owns the stream's buffering; {@link #close()} closes it.
 */
public final class PcapngWriter implements Closeable {
    /** The pcapng if_tsresol code of microseconds (the default) and nanoseconds. */
    public static final int MICROSECONDS = 6;
    public static final int NANOSECONDS = 9;
    /** An option value is at most 65,535 bytes (a 16-bit length); longer comments are cut at a character. */
    static final int MAX_OPTION = 0xffff;

    private static final int SHB = 0x0a0d0d0a;
    private static final int IDB = 0x00000001;
    private static final int EPB = 0x00000006;
    private static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int OPT_ENDOFOPT = 0;
    private static final int OPT_COMMENT = 1;
    private static final int SHB_USERAPPL = 4;
    private static final int IF_TSRESOL = 9;

    private static final long[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
            1_000_000_000};

    private final OutputStream out;
    /** One IDB per (link type, resolution), numbered in the order written: key = linkType << 8 | tsresol. */
    private final List<Integer> interfaces = new ArrayList<>(2);
    private byte[] block = new byte[4096];
    private int length;
    private long frames;

    private PcapngWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Starts a file on {@code out}: the Section Header Block, naming {@code application}
     * ({@code shb_userappl}) and carrying {@code comment} (may be null; several lines are fine).
     */
    public static PcapngWriter start(OutputStream out, String application, String comment) throws IOException {
        PcapngWriter w = new PcapngWriter(out);
        w.sectionHeader(application, comment);
        return w;
    }

    /*
     * Section Header Block (type 0x0A0D0D0A), section 4.1:
     *   0: uint32 block type              4: uint32 block total length
     *   8: uint32 byte-order magic 0x1A2B3C4D (written in this section's order: little-endian here)
     *  12: uint16 major version 1        14: uint16 minor version 0
     *  16: int64 section length (-1: not given; readers read sequentially)
     *  24: options: opt_comment (1), shb_userappl (4), ..., opt_endofopt (0)
     *   .: uint32 block total length
     */
    private void sectionHeader(String application, String comment) throws IOException {
        begin(SHB);
        i32(BYTE_ORDER_MAGIC);
        i16(1);
        i16(0);
        i64(-1L);
        if (comment != null && !comment.isEmpty()) {
            option(OPT_COMMENT, comment);
        }
        if (application != null && !application.isEmpty()) {
            option(SHB_USERAPPL, application);
        }
        endOfOptions();
        end();
    }

    /*
     * Interface Description Block (type 1), section 4.2:
     *   8: uint16 LinkType   10: uint16 reserved (0)   12: uint32 SnapLen (0: no limit)
     *  16: options: if_tsresol (9), 1 byte: 10^-n seconds for n with the top bit clear; opt_endofopt
     * The snap length is left at 0: frames keep the captured and original lengths of their source,
     * and a frame of one file may have come through interfaces of different snap lengths.
     */
    private int interfaceFor(int linkType, int tsresol) throws IOException {
        int key = (linkType << 8) | tsresol;
        int id = interfaces.indexOf(key);
        if (id >= 0) {
            return id;
        }
        begin(IDB);
        i16(linkType);
        i16(0);
        i32(0);
        if (tsresol != MICROSECONDS) {
            bytes(new byte[] {(byte) IF_TSRESOL, 0, 1, 0, (byte) tsresol, 0, 0, 0});
        }
        endOfOptions();
        end();
        interfaces.add(key);
        return interfaces.size() - 1;
    }

    /*
     * Enhanced Packet Block (type 6), section 4.3:
     *   8: uint32 interface id
     *  12: uint32 timestamp, upper 32 bits   16: uint32 timestamp, lower 32 bits (units of the interface's if_tsresol)
     *  20: uint32 captured packet length     24: uint32 original packet length
     *  28: packet data, padded to 32 bits
     *   .: options: opt_comment (1), ... opt_endofopt (0)
     *   .: uint32 block total length
     */
    /**
     * Writes one frame as an Enhanced Packet Block.
     *
     * @param linkType        LINKTYPE_* of the frame
     * @param tsresol         the source's if_tsresol code; anything but 0..9 (decimal) is written as nanoseconds
     * @param timestampNanos  nanoseconds since the epoch, as the readers deliver them
     * @param comments        opt_comment values for this frame (may be empty)
     */
    public void frame(int linkType, int tsresol, long timestampNanos, byte[] buf, int off, int capturedLength,
                      int originalLength, List<String> comments) throws IOException {
        Objects.checkFromIndexSize(off, capturedLength, buf.length);
        Objects.requireNonNull(comments, "comments");
        if (linkType < 0 || linkType > 0xffff) {
            throw new IllegalArgumentException("link type out of range: " + linkType);
        }
        int resolution = tsresol >= 0 && tsresol <= NANOSECONDS ? tsresol : NANOSECONDS;
        long units = Math.floorDiv(timestampNanos, POW10[NANOSECONDS - resolution]);
        int id = interfaceFor(linkType, resolution);
        begin(EPB);
        i32(id);
        i32((int) (units >>> 32));
        i32((int) units);
        i32(capturedLength);
        i32(Math.max(originalLength, capturedLength));
        ensure(capturedLength + 3);
        System.arraycopy(buf, off, block, length, capturedLength);
        length += capturedLength;
        pad();
        if (!comments.isEmpty()) {
            for (String c : comments) {
                option(OPT_COMMENT, c);
            }
            endOfOptions();
        }
        end();
        frames++;
    }

    /** Frames written so far. */
    public long frames() {
        return frames;
    }

    /** Pushes what was written to the stream's destination. */
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    // --- block assembly: the whole block is built in one array, then written at once ---

    private void begin(int type) {
        length = 0;
        i32(type);
        i32(0); // total length, filled in by end()
    }

    private void end() throws IOException {
        int total = length + 4;
        i32(total);
        putI32(4, total);
        out.write(block, 0, length);
    }

    /*
     * Options, section 3.5: uint16 code, uint16 value length, the value padded to 32 bits.
     * Strings are UTF-8 without a terminating zero.
     */
    private void option(int code, String value) {
        byte[] v = utf8Prefix(value, MAX_OPTION);
        i16(code);
        i16(v.length);
        bytes(v);
        pad();
    }

    private void endOfOptions() {
        i16(OPT_ENDOFOPT);
        i16(0);
    }

    /** The UTF-8 bytes of {@code s}, cut at a character boundary so that they fit in {@code max}. */
    static byte[] utf8Prefix(String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= max) {
            return b;
        }
        int n = max;
        while (n > 0 && (b[n] & 0xc0) == 0x80) {
            n--; // b[n] continues a character that began before it: cut before that character
        }
        return Arrays.copyOf(b, n);
    }

    private void pad() {
        while ((length & 3) != 0) {
            ensure(1);
            block[length++] = 0;
        }
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, block, length, b.length);
        length += b.length;
    }

    private void i16(int v) {
        ensure(2);
        block[length++] = (byte) v;
        block[length++] = (byte) (v >>> 8);
    }

    private void i32(int v) {
        ensure(4);
        putI32(length, v);
        length += 4;
    }

    private void i64(long v) {
        i32((int) v);
        i32((int) (v >>> 32));
    }

    private void putI32(int at, int v) {
        block[at] = (byte) v;
        block[at + 1] = (byte) (v >>> 8);
        block[at + 2] = (byte) (v >>> 16);
        block[at + 3] = (byte) (v >>> 24);
    }

    private void ensure(int n) {
        if (length + n + 4 > block.length) {
            block = Arrays.copyOf(block, Math.max(block.length * 2, length + n + 4));
        }
    }
}
