package dev.nfe.capture.decode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static dev.nfe.capture.decode.FragmentFixture.SECOND;
import static dev.nfe.capture.decode.FragmentFixture.T0;
import static dev.nfe.capture.decode.FragmentFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The reassembler on its own, with the TCP header and payload of real ClientHellos (IPv4 and
 * IPv6) as the fragmentable part: every order, every split point, duplicates, overlaps under each
 * version's policy, tiny first fragments, and keys that must not mix.
 */
class FragmentReassemblerTest {

    private static FragmentFixture fixture(boolean v6) {
        return v6 ? FragmentFixture.v6() : FragmentFixture.v4();
    }

    /** Offers pieces in the given order; only the last may complete the datagram, which must equal the part. */
    private static void assertRebuilt(FragmentFixture f, List<int[]> pieces, String what) {
        for (int i = 0; i < pieces.size(); i++) {
            int[] p = pieces.get(i);
            FragmentReassembler.Datagram d = f.offer(T0 + i, p[0], p[1]);
            if (i < pieces.size() - 1) {
                assertNull(d, what + ": completed early at piece " + i);
            } else {
                assertNotNull(d, what + ": not completed by the last piece");
                assertArrayEquals(f.part, bytes(d), what);
                assertEquals(f.part.length, d.capturedLength(), what);
                assertEquals(6, d.protocol(), what);
            }
        }
        assertEquals(0, f.reassembler.entries(), what + ": entries left");
        assertEquals(0, f.reassembler.heldBytes(), what + ": bytes still held");
        assertEquals(0, f.stats.fragmentsInProgress(), what + ": in progress");
    }

    private static List<int[]> cut(int length, int size) {
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < length; from += size) {
            out.add(new int[] {from, Math.min(length, from + size)});
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyOrderOfFourFragments(boolean v6) {
        FragmentFixture f = fixture(v6);
        int size = (f.part.length / 4 + 7) & ~7;
        List<int[]> pieces = cut(f.part.length, size);
        assertEquals(4, pieces.size());
        int n = 0;
        for (List<int[]> order : permutations(pieces)) {
            assertRebuilt(f, order, "order " + n++);
        }
        assertEquals(24, f.count(FragmentEvent.REASSEMBLED));
        assertEquals(0, f.count(FragmentEvent.DUPLICATE) + f.count(FragmentEvent.IPV4_OVERLAP));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everySplitPointInBothOrders(boolean v6) {
        FragmentFixture f = fixture(v6);
        for (int at = 8; at < f.part.length; at += 8) {
            List<int[]> two = List.of(new int[] {0, at}, new int[] {at, f.part.length});
            assertRebuilt(f, two, "split at " + at);
            assertRebuilt(f, List.of(two.get(1), two.get(0)), "split at " + at + ", last first");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyFragmentSizeInOrderAndReversed(boolean v6) {
        FragmentFixture f = fixture(v6);
        for (int size = 8; size < f.part.length; size += 8) {
            List<int[]> pieces = cut(f.part.length, size);
            assertRebuilt(f, pieces, "size " + size);
            List<int[]> reversed = new ArrayList<>(pieces);
            Collections.reverse(reversed);
            assertRebuilt(f, reversed, "size " + size + " reversed");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shuffledTrainsWithExactDuplicates(boolean v6) {
        FragmentFixture f = fixture(v6);
        Random random = new Random(5722);
        long duplicates = 0;
        for (int trial = 0; trial < 300; trial++) {
            List<int[]> pieces = cut(f.part.length, 8 * (1 + random.nextInt(f.part.length / 8)));
            Collections.shuffle(pieces, random);
            // duplicates anywhere before the completing piece (after it they would start a new datagram)
            int extra = random.nextInt(3);
            for (int i = 0; i < extra && pieces.size() > 1; i++) {
                pieces.add(random.nextInt(pieces.size()), pieces.get(random.nextInt(pieces.size() - 1)));
            }
            List<int[]> distinct = new ArrayList<>();
            List<int[]> order = new ArrayList<>();
            for (int[] p : pieces) {
                if (distinct.contains(p)) {
                    duplicates++;
                } else {
                    distinct.add(p);
                }
                order.add(p);
                if (distinct.size() == pieces.stream().distinct().count()) {
                    break;
                }
            }
            assertRebuilt(f, order, "trial " + trial);
        }
        assertEquals(duplicates, f.count(FragmentEvent.DUPLICATE));
        assertEquals(300, f.count(FragmentEvent.REASSEMBLED));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aDuplicateAfterCompletionStartsAnotherDatagram(boolean v6) {
        FragmentFixture f = fixture(v6);
        assertRebuilt(f, cut(f.part.length, 64), "train");
        assertNull(f.offer(T0 + SECOND, 64, 128));
        assertEquals(1, f.stats.fragmentsInProgress());
        assertEquals(1, f.reassembler.entries());
    }

    @Test
    void ipv4OverlapsThatAgreeFillOnlyTheHoles() {
        FragmentFixture f = FragmentFixture.v4();
        int end = f.part.length;
        assertRebuilt(f, List.of(new int[] {0, 64}, new int[] {32, 128}, new int[] {16, 48}, new int[] {120, end}),
                "overlaps");
        assertEquals(2, f.count(FragmentEvent.IPV4_OVERLAP), "[32,128) and [120,end) overlap and add bytes");
        assertEquals(1, f.count(FragmentEvent.DUPLICATE), "[16,48) adds nothing");
        assertEquals(0, f.count(FragmentEvent.IPV4_OVERLAP_CONFLICT));
        assertEquals(0, f.count(FragmentEvent.TINY_FIRST), "the overlaps start past the TCP header");
    }

    /**
     * RFC 1858 section 3.2: a fragment at offset 8 ("offset 1") rewrites the TCP flags of the
     * first one. First wins: the bytes that came first stay, the conflict is counted, and so is
     * the overlapped TCP header.
     */
    @Test
    void ipv4ConflictingOverlapKeepsTheBytesThatCameFirst() {
        FragmentFixture f = FragmentFixture.v4();
        int end = f.part.length;
        byte[] forged = f.part.clone();
        forged[13] = 0x04; // RST instead of PSH/ACK
        forged[40] ^= 0x55;
        assertNull(f.offer(T0, 0, 64));
        assertNull(f.offer(T0, 8, 64, true, forged));
        FragmentReassembler.Datagram d = f.offer(T0, 64, end);
        assertArrayEquals(f.part, bytes(d), "first wins: the original header and data");
        assertEquals(1, f.count(FragmentEvent.IPV4_OVERLAP_CONFLICT));
        assertEquals(1, f.count(FragmentEvent.TINY_FIRST), "the TCP header was overlapped");

        // the forged piece first: its bytes stay where it came first, the rest is the original's
        assertNull(f.offer(T0, 8, 64, true, forged));
        assertNull(f.offer(T0, 0, 72));
        byte[] got = bytes(f.offer(T0, 72, end));
        byte[] expected = f.part.clone();
        System.arraycopy(forged, 8, expected, 8, 56);
        assertArrayEquals(expected, got);
        assertEquals(2, f.count(FragmentEvent.IPV4_OVERLAP_CONFLICT));
        assertEquals(2, f.count(FragmentEvent.TINY_FIRST));
    }

    /** RFC 5722: an overlap (other than an exact duplicate) discards the datagram and every later fragment of it. */
    @Test
    void ipv6OverlapDiscardsTheDatagramUntilItsTimeout() {
        FragmentFixture f = FragmentFixture.v6();
        int end = f.part.length;
        assertNull(f.offer(T0, 0, 64));
        assertNull(f.offer(T0, 64, 128));
        assertNull(f.offer(T0, 32, 96));
        assertEquals(1, f.count(FragmentEvent.IPV6_OVERLAP));
        assertEquals(0, f.stats.fragmentsInProgress());
        assertEquals(0, f.reassembler.heldBytes());
        assertNull(f.offer(T0 + SECOND, 128, end), "later fragments of it are discarded too");
        assertNull(f.offer(T0 + SECOND, 0, 64));
        assertEquals(2, f.count(FragmentEvent.AFTER_DISCARD));
        assertEquals(1, f.reassembler.entries(), "the remnant stays until the timeout");
        // 60 s after its first fragment the remnant goes, and the same identification is usable again
        f.reassembler.expire(T0 + 60 * SECOND + 1);
        assertEquals(0, f.reassembler.entries());
        assertEquals(0, f.count(FragmentEvent.TIMED_OUT), "a discarded datagram is not counted twice");
        assertNull(f.offer(T0 + 61 * SECOND, 0, 128));
        assertArrayEquals(f.part, bytes(f.offer(T0 + 61 * SECOND, 128, end)));
    }

    @Test
    void ipv6ExactDuplicateIsFineButADuplicateRangeWithOtherBytesIsAnOverlap() {
        FragmentFixture f = FragmentFixture.v6();
        int end = f.part.length;
        assertNull(f.offer(T0, 0, 64));
        assertNull(f.offer(T0, 0, 64));
        assertEquals(1, f.count(FragmentEvent.DUPLICATE));
        assertArrayEquals(f.part, bytes(f.offer(T0, 64, end)));

        byte[] other = f.part.clone();
        other[50] ^= 1;
        assertNull(f.offer(T0, 0, 64));
        assertNull(f.offer(T0, 0, 64, true, other));
        assertEquals(1, f.count(FragmentEvent.IPV6_OVERLAP));
        assertNull(f.offer(T0, 64, end));
        assertEquals(1, f.count(FragmentEvent.AFTER_DISCARD));
        // contained in a held fragment with the same bytes, but not the same fragment: still an overlap
        FragmentFixture g = FragmentFixture.v6();
        assertNull(g.offer(T0, 0, 64));
        assertNull(g.offer(T0, 8, 32));
        assertEquals(1, g.count(FragmentEvent.IPV6_OVERLAP));
    }

    /** RFC 1858 section 3.1 and RFC 7112: the TCP header (32 bytes here, with options) split over fragments. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void tinyFirstFragmentsAreRebuiltAndCounted(boolean v6) {
        FragmentFixture f = fixture(v6);
        int header = ((f.part[12] & 0xf0) >>> 4) * 4;
        for (int size = 8; size < f.part.length; size += 8) {
            long before = f.count(FragmentEvent.TINY_FIRST);
            assertRebuilt(f, cut(f.part.length, size), "size " + size);
            assertEquals(size < header ? 1 : 0, f.count(FragmentEvent.TINY_FIRST) - before, "size " + size);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void datagramsWithOtherKeysDoNotMix(boolean v6) {
        FragmentFixture f = fixture(v6);
        int end = f.part.length;
        byte[] other = f.part.clone();
        for (int i = 0; i < other.length; i++) {
            other[i] ^= (byte) 0xa5;
        }
        FragmentReassembler.Key a = f.key();
        FragmentReassembler.Key scoped = f.key(0x7777);
        FragmentReassembler.Key otherId = f.identification(4242).key();
        List<FragmentReassembler.Key> keys = new ArrayList<>(List.of(a, scoped, otherId));
        if (!v6) {
            // same hosts and IP ID, another protocol (RFC 791 keys on it too)
            keys.add(new FragmentReassembler.Key(false, a.srcHi(), a.srcLo(), a.dstHi(), a.dstLo(),
                    a.id() ^ (17L << 16) ^ (6L << 16), 0));
        }
        for (int k = 0; k < keys.size(); k++) {
            byte[] bytes = k % 2 == 0 ? f.part : other;
            assertNull(f.offer(keys.get(k), T0, 0, 64, true, bytes, 64));
        }
        for (int k = keys.size() - 1; k >= 0; k--) {
            byte[] bytes = k % 2 == 0 ? f.part : other;
            FragmentReassembler.Datagram d = f.offer(keys.get(k), T0, 64, end, false, bytes, end - 64);
            assertArrayEquals(bytes, bytes(d), "key " + keys.get(k));
        }
        assertEquals(0, f.count(FragmentEvent.DUPLICATE) + f.count(FragmentEvent.IPV4_OVERLAP_CONFLICT)
                + f.count(FragmentEvent.IPV6_OVERLAP));
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T head = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> p = new ArrayList<>();
                p.add(head);
                p.addAll(tail);
                out.add(p);
            }
        }
        return out;
    }
}
