package dev.nfe.capture.file;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Fixed-width reads from a byte array in either byte order. Capture files are written in the
 * writer's host order (pcap) or per section (pcapng), so every read names the order it wants.
 * The VarHandles are constants, so the JIT turns each read into a single load (plus bswap).
 */
final class Binary {
    private static final VarHandle I16_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I16_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I32_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I64_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Binary() {
    }

    static int u16(byte[] b, int off, boolean bigEndian) {
        short v = bigEndian ? (short) I16_BE.get(b, off) : (short) I16_LE.get(b, off);
        return v & 0xffff;
    }

    static int i32(byte[] b, int off, boolean bigEndian) {
        return bigEndian ? (int) I32_BE.get(b, off) : (int) I32_LE.get(b, off);
    }

    static long u32(byte[] b, int off, boolean bigEndian) {
        return i32(b, off, bigEndian) & 0xffff_ffffL;
    }

    static long i64(byte[] b, int off, boolean bigEndian) {
        return bigEndian ? (long) I64_BE.get(b, off) : (long) I64_LE.get(b, off);
    }
}
