package dev.nfe.capture.file;

import dev.nfe.capture.NotACaptureException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The capture file formats this package reads, told apart by their first four bytes, never by name. */
public enum CaptureFormat {
    /** libpcap format (draft-ietf-opsawg-pcap), microsecond or nanosecond, either byte order. */
    PCAP,
    /** pcapng (draft-ietf-opsawg-pcapng): starts with a Section Header Block. */
    PCAPNG;

    static final int PCAP_MICROS = 0xa1b2c3d4;
    static final int PCAP_NANOS = 0xa1b23c4d;
    static final int PCAPNG_SHB = 0x0a0d0d0a;

    /**
     * Recognises the format of {@code path} from its magic number.
     *
     * @throws NotACaptureException when the file is empty or starts with no known magic number
     */
    public static CaptureFormat probe(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(4);
            while (head.hasRemaining() && ch.read(head) >= 0) {
                // keep reading: a short read is not the end of the file
            }
            byte[] b = head.array();
            return of(path.toString(), b, head.position());
        }
    }

    /** Classifies the first {@code n} (up to 4) bytes of a file; throws when they are no capture magic. */
    static CaptureFormat of(String description, byte[] first, int n) throws NotACaptureException {
        if (n == 0) {
            throw new NotACaptureException(description + ": empty file, not a pcap or pcapng capture");
        }
        if (n >= 4) {
            int be = Binary.i32(first, 0, true);
            int le = Binary.i32(first, 0, false);
            if (be == PCAP_MICROS || le == PCAP_MICROS || be == PCAP_NANOS || le == PCAP_NANOS) {
                return PCAP;
            }
            if (be == PCAPNG_SHB) {
                return PCAPNG;
            }
        }
        throw new NotACaptureException(description + ": not a pcap or pcapng capture (" + hint(first, n) + ")");
    }

    private static String hint(byte[] b, int n) {
        StringBuilder sb = new StringBuilder("first bytes");
        for (int i = 0; i < n; i++) {
            sb.append(String.format(" %02x", b[i] & 0xff));
        }
        if (n < 4) {
            sb.append(", file shorter than a magic number");
        } else if ((b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
            sb.append(": gzip-compressed, decompress it first");
        } else if ((b[0] & 0xff) == 0x28 && (b[1] & 0xff) == 0xb5 && (b[2] & 0xff) == 0x2f && (b[3] & 0xff) == 0xfd) {
            sb.append(": zstd-compressed, decompress it first");
        } else if (Binary.i32(b, 0, true) == 0xa1b2cd34 || Binary.i32(b, 0, false) == 0xa1b2cd34) {
            sb.append(": Kuznetsov's modified pcap, not supported; convert with editcap -F pcap");
        }
        return sb.toString();
    }
}
