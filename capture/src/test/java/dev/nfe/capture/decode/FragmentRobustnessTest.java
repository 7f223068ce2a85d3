package dev.nfe.capture.decode;

import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.testdata.Fragmenter;
import dev.nfe.capture.testdata.Packets;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.nfe.capture.decode.FragmentFixture.SECOND;
import static dev.nfe.capture.decode.FragmentFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile fragment streams: random offsets, lengths, flags, keys and clocks, with small caps. No
 * exception, the caps hold after every fragment, the gauge never goes negative, and when the
 * clock has passed every timeout nothing is held any more.
 */
class FragmentRobustnessTest {

    @Test
    void randomFragmentStreamsStayWithinTheirCaps() {
        FragmentLimits limits = new FragmentLimits(16, 64 * 1024, 65_535, 30 * SECOND, 60 * SECOND);
        byte[] source = FragmentFixture.v4().part;
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            DecodeStats stats = new DecodeStats();
            FragmentReassembler r = new FragmentReassembler(limits, stats);
            long latest = T0;
            for (int i = 0; i < 5_000; i++) {
                // mostly forward, sometimes seconds back (merged captures), sometimes a jump ahead
                long now = random.nextInt(10) == 0 ? latest - random.nextInt(5) * SECOND
                        : latest + (random.nextInt(50) == 0 ? 40 * SECOND : random.nextInt(200_000_000));
                latest = Math.max(latest, now);
                boolean v6 = random.nextBoolean();
                int id = random.nextInt(40);
                FragmentReassembler.Key key = v6 ? FragmentReassembler.Key.ipv6(1, 2, 3, 4, id, random.nextInt(2))
                        : FragmentReassembler.Key.ipv4(0x0a000001, 0x0a000002, random.nextBoolean() ? 6 : 17, id, 0);
                int offset = random.nextInt(4) == 0 ? 8 * random.nextInt(8192) : 8 * random.nextInt(40);
                int length = random.nextInt(8) == 0 ? random.nextInt(3000) : 8 * random.nextInt(40);
                int captured = random.nextInt(10) == 0 ? random.nextInt(length + 1) : length;
                byte[] data = new byte[length];
                for (int b = 0; b < length; b++) {
                    data[b] = source[(offset + b) % source.length];
                }
                FragmentReassembler.Datagram d = r.offer(new FragmentReassembler.Fragment(key, now, offset,
                        random.nextInt(3) != 0, random.nextInt(256), 64, v6 ? 0 : 20), data, 0, captured, length);
                if (d != null) {
                    assertTrue(d.length() <= 65_535 && d.capturedLength() <= d.length() && d.bytes().length >= d.length(),
                            d.toString());
                }
                assertTrue(r.heldBytes() >= 0 && r.heldBytes() <= limits.maxHeldBytes(), "held " + r.heldBytes());
                assertTrue(r.entries() <= limits.maxDatagrams(), "entries " + r.entries());
                assertTrue(stats.fragmentsInProgress() >= 0 && stats.fragmentsInProgress() <= r.entries(), stats.toString());
            }
            r.expire(latest + 61 * SECOND);
            assertEquals(0, r.entries(), "seed " + seed);
            assertEquals(0, r.heldBytes(), "seed " + seed);
            assertEquals(0, stats.fragmentsInProgress(), "seed " + seed);
        }
    }

    /** Trains of real fragments with flipped bytes and cut frames through the whole decoder: no exception, every frame counted once. */
    @Test
    void mutatedFragmentTrainsThroughTheDecoder() {
        byte[] v6 = Packets.ipOf(Packets.frame(Packets.V6_CAPTURE, Packets.V6_FRAME));
        byte[] v4 = Packets.ipOf(Packets.frame(Packets.V4_CAPTURE, Packets.V4_FRAME));
        Random random = new Random(1858);
        List<TcpSegment> out = new ArrayList<>();
        SegmentDecoder decoder = new SegmentDecoder(out::add);
        long frames = 0;
        int clean = 0;
        for (int round = 0; round < 400; round++) {
            byte[] ip = (random.nextBoolean() ? v4 : v6).clone();
            if ((ip[0] & 0xf0) == 0x40) {
                ip[4] = (byte) (round >>> 8);
                ip[5] = (byte) round;
            }
            boolean mutated = false;
            for (byte[] fragment : Fragmenter.split(ip, 8 * (1 + random.nextInt(12)), round)) {
                if (random.nextInt(8) == 0) {
                    for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                        fragment[random.nextInt(Math.min(fragment.length, 56))] ^= (byte) (1 << random.nextInt(8));
                    }
                    mutated = true;
                }
                byte[] frame = Packets.concat(Packets.ethernetHeader((fragment[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800),
                        fragment);
                int captured = random.nextInt(20) == 0 ? random.nextInt(frame.length + 1) : frame.length;
                mutated |= captured < frame.length;
                decoder.frame(++frames, T0 + frames * 1_000_000L, 1, frame, 0, captured, frame.length);
            }
            clean += mutated ? 0 : 1;
        }
        DecodeStats s = decoder.stats();
        assertEquals(frames, s.frames());
        assertEquals(s.frames(), s.tcpSegments() + s.skipped(), s.toString());
        assertTrue(clean > 20 && s.fragments(FragmentEvent.REASSEMBLED) >= clean, clean + " clean trains: " + s);
        assertTrue(out.size() >= clean, s.toString());
    }
}
