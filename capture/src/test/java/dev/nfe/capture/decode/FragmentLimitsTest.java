package dev.nfe.capture.decode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static dev.nfe.capture.decode.FragmentFixture.SECOND;
import static dev.nfe.capture.decode.FragmentFixture.T0;
import static dev.nfe.capture.decode.FragmentFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What bounds the reassembler, each with a real ClientHello's fragments: timeouts in capture
 * time, the table and byte caps, the datagram size limit, and fragments that cannot be placed.
 * Every discard is counted once, and the gauge and the bytes held come back to zero.
 */
class FragmentLimitsTest {

    private static FragmentFixture fixture(boolean v6) {
        return v6 ? FragmentFixture.v6() : FragmentFixture.v4();
    }

    private static void assertNothingHeld(FragmentFixture f) {
        assertEquals(0, f.reassembler.heldBytes());
        assertEquals(0, f.stats.fragmentsInProgress());
    }

    /** 30 s for IPv4 (Linux ipfrag_time), 60 s for IPv6 (RFC 8200), from the first fragment, in capture time. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void timeoutRunsFromTheFirstFragmentInCaptureTime(boolean v6) {
        long timeout = (v6 ? 60 : 30) * SECOND;
        FragmentFixture f = fixture(v6);
        int end = f.part.length;
        assertNull(f.offer(T0, 0, 64));
        assertNull(f.offer(T0 + timeout - SECOND, 64, 128), "a later fragment does not restart the clock");
        assertArrayEquals(f.part, bytes(f.offer(T0 + timeout, 128, end)), "just in time");

        long t1 = T0 + 10 * timeout;
        assertNull(f.offer(t1, 0, 64));
        assertNull(f.offer(t1 + timeout / 2, 64, 128));
        assertNull(f.offer(t1 + timeout + 1, 128, end), "too late: it starts a datagram of its own");
        assertEquals(1, f.count(FragmentEvent.TIMED_OUT));
        assertEquals(1, f.stats.fragmentsInProgress());
        assertEquals(1, f.reassembler.entries());
    }

    /** The clock is the latest timestamp seen: a frame stamped earlier (merged captures) does not move it back. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anEarlierTimestampNeitherStopsNorRestartsATimeout(boolean v6) {
        long timeout = (v6 ? 60 : 30) * SECOND;
        FragmentFixture f = fixture(v6);
        int end = f.part.length;
        assertNull(f.offer(T0, 0, 64));
        assertNull(f.offer(T0 - 3600 * SECOND, 64, 128), "an hour earlier: still the same datagram");
        assertArrayEquals(f.part, bytes(f.offer(T0 + timeout, 128, end)));

        assertNull(f.offer(T0 + 2 * timeout, 0, 64));
        assertNull(f.offer(T0 + 4 * timeout, 64, 128), "timed out: a datagram of its own");
        assertNull(f.offer(T0, 128, end), "stamped earlier, but the clock stays at the latest time");
        assertEquals(1, f.count(FragmentEvent.TIMED_OUT));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void expiryNeedsNoFragment(boolean v6) {
        FragmentFixture f = fixture(v6);
        assertNull(f.offer(T0, 0, 64));
        assertTrue(f.reassembler.heldBytes() >= 64);
        f.reassembler.expire(T0 + 20 * SECOND);
        assertEquals(1, f.reassembler.entries());
        f.reassembler.expire(T0 + 61 * SECOND);
        assertEquals(0, f.reassembler.entries());
        assertEquals(1, f.count(FragmentEvent.TIMED_OUT));
        assertNothingHeld(f);
    }

    /** The IPv4 table times out before the IPv6 one; an older IPv6 datagram does not hold the IPv4 ones back. */
    @Test
    void eachVersionKeepsItsOwnTimeout() {
        FragmentFixture f6 = FragmentFixture.v6();
        FragmentFixture f4 = FragmentFixture.of(false, FragmentLimits.DEFAULT);
        FragmentReassembler shared = f6.reassembler;
        assertNull(f6.offer(T0, 0, 64));
        FragmentReassembler.Key v4 = f4.key();
        assertNull(shared.offer(new FragmentReassembler.Fragment(v4, T0 + SECOND, 0, true, 6, 64, 20),
                f4.part, 0, 64, 64));
        shared.expire(T0 + 32 * SECOND);
        assertEquals(1, shared.entries(), "the IPv4 datagram is gone, the IPv6 one waits");
        shared.expire(T0 + 61 * SECOND);
        assertEquals(0, shared.entries());
        assertEquals(2, f6.count(FragmentEvent.TIMED_OUT));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFullTableEvictsTheOldestDatagram(boolean v6) {
        FragmentFixture f = FragmentFixture.of(v6, new FragmentLimits(2, 1 << 20, 65_535, 30 * SECOND, 60 * SECOND));
        int end = f.part.length;
        for (int id = 1; id <= 3; id++) {
            assertNull(f.identification(id).offer(T0 + id, 0, 64));
        }
        assertEquals(1, f.count(FragmentEvent.EVICTED_TABLE_FULL));
        assertEquals(2, f.reassembler.entries());
        for (int id = 3; id >= 2; id--) {
            assertArrayEquals(f.part, bytes(f.identification(id).offer(T0 + 5, 64, end)), "datagram " + id);
        }
        assertNull(f.identification(1).offer(T0 + 5, 64, end), "the evicted one lost its first fragment");
        assertEquals(1, f.stats.fragmentsInProgress());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theByteCapEvictsTheOldestOthersThenTheDatagramItself(boolean v6) {
        FragmentFixture probe = fixture(v6);
        int cut = (probe.part.length - 1) & ~7;
        assertNull(probe.offer(T0, 0, cut));
        long one = probe.reassembler.heldBytes();
        assertTrue(one >= cut, "held " + one);
        FragmentFixture f = FragmentFixture.of(v6, new FragmentLimits(100, one + one / 2, 65_535, 30 * SECOND, 60 * SECOND));
        int end = f.part.length;
        assertNull(f.identification(1).offer(T0, 0, cut));
        assertNull(f.identification(2).offer(T0, 0, cut));
        assertEquals(1, f.count(FragmentEvent.EVICTED_BYTES_CAP), "datagram 1 made room for 2");
        assertTrue(f.reassembler.heldBytes() <= one + one / 2);
        assertArrayEquals(f.part, bytes(f.identification(2).offer(T0, cut, end)));
        assertNothingHeld(f);

        FragmentFixture tiny = FragmentFixture.of(v6, new FragmentLimits(100, 16, 65_535, 30 * SECOND, 60 * SECOND));
        assertNull(tiny.offer(T0, 0, 64), "64 bytes can never fit in 16");
        assertEquals(1, tiny.count(FragmentEvent.EVICTED_BYTES_CAP));
        assertEquals(0, tiny.reassembler.entries());
        assertNothingHeld(tiny);
    }

    /** The "ping of death": a fragment that ends past 65,535 bytes of datagram, or past a lower limit. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aDatagramTooBigIsDiscardedWithItsLaterFragments(boolean v6) {
        FragmentFixture f = fixture(v6);
        byte[] junk = new byte[65_600];
        assertNull(f.offer(T0, 65_528, 65_528 + 16, false, junk));
        assertEquals(1, f.count(FragmentEvent.TOO_BIG));
        assertNull(f.offer(T0, 0, 64));
        assertEquals(1, f.count(FragmentEvent.AFTER_DISCARD));
        assertNothingHeld(f);

        FragmentFixture small = FragmentFixture.of(v6, new FragmentLimits(100, 1 << 20, 200, 30 * SECOND, 60 * SECOND));
        assertNull(small.offer(T0, 0, 128));
        assertNull(small.offer(T0, 128, small.part.length));
        assertEquals(1, small.count(FragmentEvent.TOO_BIG), small.part.length + " bytes is over 200");
        assertNothingHeld(small);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void fragmentsThatCannotBePlacedAreIgnored(boolean v6) {
        FragmentFixture f = fixture(v6);
        assertNull(f.offer(T0, 0, 0, true, f.part), "no data");
        assertNull(f.offer(T0, 0, 12, true, f.part), "not the last, and not a multiple of 8");
        assertEquals(2, f.count(FragmentEvent.MALFORMED));
        assertEquals(0, f.reassembler.entries());
        assertArrayEquals(f.part, bytes(f.offer(T0, 0, f.part.length, false, f.part)),
                "a lone last fragment at offset 0 is a whole datagram");
    }

    /** Two last fragments with different ends, or bytes past the end: Linux discards the datagram, so does this. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void fragmentsThatDisagreeOnTheEndDiscardTheDatagram(boolean v6) {
        FragmentFixture f = fixture(v6);
        int end = f.part.length;
        assertNull(f.offer(T0, 64, end));
        assertNull(f.offer(T0, 64, end - 8, false, f.part));
        assertEquals(1, f.count(FragmentEvent.INCONSISTENT));
        assertNull(f.offer(T0, 0, 64));
        assertEquals(1, f.count(FragmentEvent.AFTER_DISCARD));

        FragmentFixture g = fixture(v6);
        assertNull(g.offer(T0, 64, 128, false, g.part));
        assertNull(g.offer(T0, 128, 136, true, g.part), "past the end the last fragment set");
        assertEquals(1, g.count(FragmentEvent.INCONSISTENT));

        FragmentFixture h = fixture(v6);
        assertNull(h.offer(T0, 64, 128));
        assertNull(h.offer(T0, 0, 32, false, h.part), "ends before bytes already held");
        assertEquals(1, h.count(FragmentEvent.INCONSISTENT));
        assertNothingHeld(f);
        assertNothingHeld(g);
        assertNothingHeld(h);
    }

    /** A fragment cut by the snap length: the datagram is still rebuilt, captured up to the first missing byte. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTruncatedFragmentLimitsWhatWasCaptured(boolean v6) {
        FragmentFixture f = fixture(v6);
        int end = f.part.length;
        assertNull(f.offer(f.key(), T0, 64, 128, true, f.part, 40));
        assertNull(f.offer(T0, 128, end));
        FragmentReassembler.Datagram d = f.offer(T0, 0, 64);
        assertEquals(end, d.length());
        assertEquals(104, d.capturedLength());
        assertArrayEquals(Arrays.copyOf(f.part, 104), Arrays.copyOf(d.bytes(), 104));
        assertEquals(1, f.count(FragmentEvent.TRUNCATED));
    }

    /** Values no header can hold (a fuzz harness may pass them): ignored and counted, never an exception. */
    @Test
    void valuesNoHeaderCanHoldAreIgnored() {
        FragmentFixture f = FragmentFixture.v4();
        FragmentReassembler.Key key = f.key();
        byte[] data = new byte[64];
        for (int offset : new int[] {-8, 3, Integer.MAX_VALUE & ~7}) {
            assertNull(f.reassembler.offer(new FragmentReassembler.Fragment(key, T0, offset, true, 6, 64, 20),
                    data, 0, 64, 64));
        }
        assertNull(f.reassembler.offer(new FragmentReassembler.Fragment(key, T0, 0, true, 6, 64, -100), data, 0, 64, 64));
        assertEquals(3, f.count(FragmentEvent.MALFORMED));
        assertEquals(1, f.count(FragmentEvent.TOO_BIG));
        assertThrows(IndexOutOfBoundsException.class, () -> f.reassembler.offer(
                new FragmentReassembler.Fragment(key, T0, 0, true, 6, 64, 20), data, 8, 64, 64));
    }

    @Test
    void limitsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new FragmentLimits(0, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new FragmentLimits(1, 1, 65_536, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new FragmentLimits(1, 1, 1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new FragmentReassembler(null, new DecodeStats()));
    }
}
