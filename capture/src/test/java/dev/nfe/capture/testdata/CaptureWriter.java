package dev.nfe.capture.testdata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes real frames back out as pcap or pcapng in layouts no corpus file has (big-endian,
 * nanosecond, odd timestamp resolutions, simple/obsolete packet blocks, several sections). The
 * frames themselves always come from real captures.
 */
public final class CaptureWriter {
    private CaptureWriter() {
    }

    public static byte[] pcap(List<RecordedFrame> frames, int linkType, boolean bigEndian, boolean nanos, int snaplen) {
        ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int size = 24;
        for (RecordedFrame f : frames) {
            size += 16 + f.data().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(linkType);
        for (RecordedFrame f : frames) {
            long ts = f.timestampNanos();
            long seconds = Math.floorDiv(ts, 1_000_000_000L);
            long fraction = Math.floorMod(ts, 1_000_000_000L);
            b.putInt((int) seconds).putInt((int) (nanos ? fraction : fraction / 1000))
                    .putInt(f.data().length).putInt(f.originalLength()).put(f.data());
        }
        return b.array();
    }

    public static Path write(Path file, byte[] content) {
        try {
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds a pcapng file block by block. */
    public static final class Pcapng {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

        /** Starts a section (SHB, section length -1) in the given byte order. */
        public Pcapng section(boolean bigEndian) {
            order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            ByteBuffer body = body(16);
            body.putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0).putLong(-1L);
            return block(0x0a0d0d0a, body);
        }

        /** Interface Description Block; {@code tsresol}/{@code tsoffset} options when not null. */
        public Pcapng interfaceBlock(int linkType, int snaplen, Integer tsresol, Long tsoffset) {
            ByteBuffer body = body(8 + 8 + 12 + 4 + 8);
            body.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
            // an unrelated option first (if_name = "eth0"), so that the reader has to walk the list
            body.putShort((short) 2).putShort((short) 4).put(new byte[] {'e', 't', 'h', '0'});
            if (tsresol != null) {
                body.putShort((short) 9).putShort((short) 1).put((byte) (int) tsresol).put(new byte[3]);
            }
            if (tsoffset != null) {
                body.putShort((short) 14).putShort((short) 8).putLong(tsoffset);
            }
            body.putShort((short) 0).putShort((short) 0);
            return block(1, body);
        }

        /** Enhanced Packet Block with a comment option (so the data is followed by options). */
        public Pcapng enhanced(int interfaceId, long units, byte[] data, int originalLength) {
            ByteBuffer body = body(20 + pad(data.length) + 12 + 4);
            body.putInt(interfaceId).putInt((int) (units >>> 32)).putInt((int) units)
                    .putInt(data.length).putInt(originalLength).put(data).put(new byte[pad(data.length) - data.length]);
            body.putShort((short) 1).putShort((short) 5).put(new byte[] {'h', 'e', 'l', 'l', 'o', 0, 0, 0});
            body.putShort((short) 0).putShort((short) 0);
            return block(6, body);
        }

        /** Obsolete Packet Block (type 2). */
        public Pcapng packet(int interfaceId, long units, byte[] data, int originalLength) {
            ByteBuffer body = body(20 + pad(data.length));
            body.putShort((short) interfaceId).putShort((short) 0).putInt((int) (units >>> 32)).putInt((int) units)
                    .putInt(data.length).putInt(originalLength).put(data).put(new byte[pad(data.length) - data.length]);
            return block(2, body);
        }

        /** Simple Packet Block: {@code data} is what the block holds, {@code originalLength} may be larger. */
        public Pcapng simple(byte[] data, int originalLength) {
            ByteBuffer body = body(4 + pad(data.length));
            body.putInt(originalLength).put(data).put(new byte[pad(data.length) - data.length]);
            return block(3, body);
        }

        /** Any other block (name resolution 4, interface statistics 5, decryption secrets 10, custom 0xbad, ...). */
        public Pcapng other(int type, int bodyLength) {
            ByteBuffer body = body(pad(bodyLength));
            for (int i = 0; i < bodyLength; i++) {
                body.put((byte) (i * 7));
            }
            return block(type, body);
        }

        public long size() {
            return out.size();
        }

        public byte[] bytes() {
            return out.toByteArray();
        }

        private ByteBuffer body(int capacity) {
            return ByteBuffer.allocate(capacity).order(order);
        }

        private Pcapng block(int type, ByteBuffer body) {
            int bodyLength = pad(body.position());
            ByteBuffer b = ByteBuffer.allocate(12 + bodyLength).order(order);
            b.putInt(type).putInt(12 + bodyLength).put(body.array(), 0, body.position())
                    .put(new byte[bodyLength - body.position()]).putInt(12 + bodyLength);
            out.writeBytes(b.array());
            return this;
        }

        private static int pad(int n) {
            return (n + 3) & ~3;
        }
    }
}
