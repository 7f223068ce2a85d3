package dev.nfe.pipeline.output;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The cached formatter agrees with java.time, in order and out of order, across second boundaries. */
class IsoTimesTest {

    @Test
    void agreesWithJavaTime() {
        IsoTimes fast = new IsoTimes();
        SplittableRandom rnd = new SplittableRandom(7);
        long t = 1_795_272_829_333_298_123L; // the loopback captures' era
        for (int i = 0; i < 200_000; i++) {
            t += rnd.nextLong(-3_000_000_000L, 3_000_000_000L);
            assertEquals(Timestamps.iso(t), fast.format(t));
        }
        for (long edge : new long[] {0L, -1L, 1L, 999_999_999L, 1_000_000_000L, 253_402_300_799_999_999L}) {
            assertEquals(Timestamps.iso(edge), fast.format(edge));
        }
    }

    @Test
    void hexMatchesTheContract() {
        Hex hex = new Hex();
        assertEquals("0x0303", hex.u16(0x0303));
        assertEquals("0xfafa", hex.u16(0xfafa));
        assertEquals("0x0000", hex.u16(0));
        assertEquals("0x010080", Hex.u24(0x010080));
        assertEquals("0x00002f", Hex.u24(0x2f));
        for (int v = 0; v < 65536; v += 97) {
            assertEquals(String.format("0x%04x", v), hex.u16(v));
        }
    }
}
