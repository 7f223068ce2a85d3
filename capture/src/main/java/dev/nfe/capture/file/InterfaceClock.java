package dev.nfe.capture.file;

/**
 * Turns a pcapng interface's raw 64-bit timestamp into nanoseconds since the epoch, from its
 * {@code if_tsresol} and {@code if_tsoffset} options (draft-ietf-opsawg-pcapng section 4.2).
 *
 * <p>{@code if_tsresol}: if the most significant bit is 0, the remaining bits give the resolution
 * as a negative power of 10 (6 = microseconds, the default when the option is absent); if it is 1,
 * as a negative power of 2. {@code if_tsoffset}: a signed number of seconds added to every
 * timestamp of the interface.
 *
 * <p>Precision finer than a nanosecond is truncated toward zero.
 */
final class InterfaceClock {
    static final int DEFAULT_TSRESOL = 6;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    /** Declared after POW10: static initialisers run in order. */
    static final InterfaceClock MICROS = new InterfaceClock(DEFAULT_TSRESOL, 0);

    private final int tsresol;
    /** 0: units * factor; 1: units / factor (unsigned); 2: binary fraction of {@code shift} bits. */
    private final int mode;
    private final long factor;
    private final int shift;
    private final long offsetNanos;

    private InterfaceClock(int tsresol, long offsetSeconds) {
        this.tsresol = tsresol;
        this.offsetNanos = offsetSeconds * NANOS_PER_SECOND;
        int exponent = tsresol & 0x7f;
        if ((tsresol & 0x80) == 0) {
            this.shift = 0;
            if (exponent <= 9) {
                mode = 0;
                factor = POW10[9 - exponent];
            } else {
                mode = 1;
                factor = POW10[exponent - 9];
            }
        } else {
            mode = 2;
            factor = 0;
            shift = exponent;
        }
    }

    /**
     * @param tsresol       the option's byte (unsigned), or {@link #DEFAULT_TSRESOL}
     * @param offsetSeconds the if_tsoffset value, 0 when absent
     * @return null when the resolution cannot be represented (10^-n with n &gt; 27, or 2^-n with n &gt; 63)
     */
    static InterfaceClock of(int tsresol, long offsetSeconds) {
        int exponent = tsresol & 0x7f;
        boolean binary = (tsresol & 0x80) != 0;
        if (binary ? exponent > 63 : exponent - 9 >= POW10.length) {
            return null;
        }
        if (tsresol == DEFAULT_TSRESOL && offsetSeconds == 0) {
            return MICROS;
        }
        return new InterfaceClock(tsresol, offsetSeconds);
    }

    /** @param units the block's timestamp, an unsigned 64-bit count of resolution units */
    long toNanos(long units) {
        long nanos;
        switch (mode) {
            case 0 -> nanos = units * factor;
            case 1 -> nanos = Long.divideUnsigned(units, factor);
            default -> {
                if (shift == 0) {
                    nanos = units * NANOS_PER_SECOND;
                } else {
                    long seconds = units >>> shift;
                    // the fraction as a 64-bit fixed-point number, times 1e9, keeping the high word:
                    // an unsigned multiply-high (Math.unsignedMultiplyHigh arrived only in Java 18)
                    long fixed = units << (64 - shift);
                    long fractionNanos = Math.multiplyHigh(fixed, NANOS_PER_SECOND) + ((fixed >> 63) & NANOS_PER_SECOND);
                    nanos = seconds * NANOS_PER_SECOND + fractionNanos;
                }
            }
        }
        return nanos + offsetNanos;
    }

    /** The if_tsresol code this clock reads. */
    int tsresol() {
        return tsresol;
    }

    @Override
    public String toString() {
        return "InterfaceClock[tsresol=0x" + Integer.toHexString(tsresol) + " offset=" + offsetNanos / NANOS_PER_SECOND + "s]";
    }
}
