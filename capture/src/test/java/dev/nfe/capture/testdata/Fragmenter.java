package dev.nfe.capture.testdata;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts real IP packets into fragments, field by field as RFC 791 section 3.2 and RFC 8200
 * section 4.5 describe: the fragmentable part (what follows the IPv4 header, or the IPv6 header
 * when it has no extension headers) split at byte offsets that are multiples of 8.
 */
public final class Fragmenter {
    private Fragmenter() {
    }

    /** An IPv4 fragment of {@code ip} holding its payload bytes {@code [from, to)}; DF cleared, MF as given. */
    public static byte[] ipv4(byte[] ip, int from, int to, boolean more) {
        int ihl = (ip[0] & 0x0f) * 4;
        int payloadEnd = u16(ip, 2);
        byte[] out = new byte[ihl + to - from];
        System.arraycopy(ip, 0, out, 0, ihl);
        System.arraycopy(ip, ihl + from, out, ihl, Math.min(to, payloadEnd - ihl) - from);
        putShort(out, 2, out.length);
        putShort(out, 6, (more ? 0x2000 : 0) | (from / 8));
        return out;
    }

    /** An IPv6 fragment of {@code ip} (no extension headers) holding payload bytes {@code [from, to)}. */
    public static byte[] ipv6(byte[] ip, int from, int to, boolean more, int identification) {
        int next = ip[6] & 0xff;
        byte[] fragmentHeader = ByteBuffer.allocate(8).put((byte) next).put((byte) 0)
                .putShort((short) ((from / 8) << 3 | (more ? 1 : 0))).putInt(identification).array();
        byte[] out = Packets.concat(Arrays.copyOf(ip, 40), fragmentHeader, Arrays.copyOfRange(ip, 40 + from, 40 + to));
        out[6] = 44;
        putShort(out, 4, out.length - 40);
        return out;
    }

    /** {@code ip} cut into fragments of {@code size} bytes of payload (the last may be shorter), in order. */
    public static List<byte[]> split(byte[] ip, int size, int identification) {
        boolean v6 = (ip[0] & 0xf0) == 0x60;
        int payload = v6 ? u16(ip, 4) : u16(ip, 2) - (ip[0] & 0x0f) * 4;
        List<byte[]> out = new ArrayList<>();
        for (int from = 0; from < payload; from += size) {
            int to = Math.min(payload, from + size);
            out.add(v6 ? ipv6(ip, from, to, to < payload, identification) : ipv4(ip, from, to, to < payload));
        }
        return out;
    }

    /** The fragmentable part of {@code ip}: its payload after the IPv4 header, or after the bare IPv6 header. */
    public static byte[] payload(byte[] ip) {
        boolean v6 = (ip[0] & 0xf0) == 0x60;
        return v6 ? Arrays.copyOfRange(ip, 40, 40 + u16(ip, 4)) : Arrays.copyOfRange(ip, (ip[0] & 0x0f) * 4, u16(ip, 2));
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    private static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }
}
