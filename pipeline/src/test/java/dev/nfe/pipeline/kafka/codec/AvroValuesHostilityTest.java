package dev.nfe.pipeline.kafka.codec;

import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.schema.v1.AgentMarker;
import dev.nfe.schema.v1.AgentStats;
import dev.nfe.schema.v1.MarkerKind;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Topic values come from anyone who can write to the topic, so a decoder must turn every bad
 * value into a {@link BadRecordException} (the consumer dead-letters it and goes on) and let no
 * other exception or error escape, which would stop the consumer or the dissector group.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AvroValuesHostilityTest {

    @FunctionalInterface
    private interface Decoder {
        Object decode(byte[] value) throws BadRecordException;
    }

    /** The decoders under test, by the record type each accepts. */
    private final Map<String, Decoder> decoders = new LinkedHashMap<>();
    /** One valid value of each type: the largest real session, a real finding, and both agent records. */
    private final Map<String, byte[]> valid = new LinkedHashMap<>();

    @BeforeAll
    void setUp() throws Exception {
        decoders.put("Session", AvroValues::decodeSession);
        decoders.put("Finding", AvroValues::decodeFinding);
        decoders.put("AgentMarker", AvroValues::decodeMarker);
        decoders.put("AgentStats", AvroValues::decodeStats);

        Replayed r = Replayed.of(Replayed.captures());
        // the richest session (certificates, alerts, hellos) has the most places to cut
        SessionRecord richest = r.sessions().stream().map(Replayed.Rec::value)
                .max(Comparator.comparingInt(s -> AvroValues.encode(SessionAvro.toAvro(s)).length)).orElseThrow();
        valid.put("Session", AvroValues.encode(SessionAvro.toAvro(richest)));
        valid.put("Finding", AvroValues.encode(FindingAvro.toAvro(r.findings().get(0).value())));
        valid.put("AgentMarker", AvroValues.encode(AgentMarker.newBuilder().setAgent("agent-1")
                .setSource("/captures/a.pcap").setKind(MarkerKind.END_OF_SOURCE)
                .setEventTsNanos(1_700_000_000_123_456_789L).setFrames(1234).setSegments(1000).build()));
        valid.put("AgentStats", AvroValues.encode(AgentStats.newBuilder().setAgent("agent-1").setSource("eth0")
                .setWallTsNanos(1_700_000_001_000_000_000L).setEventTsNanos(1_700_000_000_123_456_789L)
                .setFinal$(true).setFrames(10).setSegments(9).setSegmentsPublished(9).setPayloadBytes(5000)
                .setPayloadBytesCut(0).setSegmentsCut(0).setBudgetTableEvictions(0).setPublishErrors(0)
                .setPcapReceived(10L).build()));
    }

    /** The baseline the rest relies on: each decoder reads its own type back. */
    @Test
    void eachDecoderReadsItsOwnType() throws Exception {
        for (String type : decoders.keySet()) {
            Object decoded = decoders.get(type).decode(valid.get(type));
            assertNotNull(decoded);
            assertEquals(type, ((SpecificRecordBase) decoded).getSchema().getName());
        }
    }

    @Test
    void aValueOfAnotherTypeIsBad() {
        for (Map.Entry<String, Decoder> d : decoders.entrySet()) {
            for (Map.Entry<String, byte[]> v : valid.entrySet()) {
                if (!d.getKey().equals(v.getKey())) {
                    assertBad(d.getKey(), d.getValue(), v.getValue(), "a " + v.getKey());
                }
            }
        }
    }

    /** Every prefix of every valid value (the empty one too), to every decoder. */
    @Test
    void everyTruncationIsBad() {
        for (Map.Entry<String, Decoder> d : decoders.entrySet()) {
            for (Map.Entry<String, byte[]> v : valid.entrySet()) {
                byte[] bytes = v.getValue();
                for (int n = 0; n < bytes.length; n++) {
                    assertBad(d.getKey(), d.getValue(), Arrays.copyOf(bytes, n),
                            v.getKey() + " cut to " + n + " of " + bytes.length + " bytes");
                }
            }
        }
    }

    @Test
    void nullAndRandomGarbageAreBad() {
        Random random = new Random(20261121L); // fixed: a failure must be reproducible
        for (Map.Entry<String, Decoder> d : decoders.entrySet()) {
            assertBad(d.getKey(), d.getValue(), null, "null");
            for (int i = 0; i < 2_000; i++) {
                byte[] garbage = new byte[random.nextInt(400)];
                random.nextBytes(garbage);
                assertBad(d.getKey(), d.getValue(), garbage, "garbage #" + i + " of " + garbage.length + " bytes");
            }
        }
    }

    /**
     * Garbage that gets past the header (marker and the right schema fingerprint) reaches Avro's
     * body decoder with arbitrary lengths and counts, and flipped bytes inside a valid body do the
     * same more subtly. Either may happen to be a valid record; anything else must be bad.
     */
    @Test
    void garbageBehindAValidHeaderIsBadOrValid() {
        Random random = new Random(42L);
        for (Map.Entry<String, Decoder> d : decoders.entrySet()) {
            byte[] own = valid.get(d.getKey());
            byte[] header = Arrays.copyOf(own, 10); // C3 01 and the 8-byte fingerprint
            for (int i = 0; i < 2_000; i++) {
                byte[] v = Arrays.copyOf(header, 10 + random.nextInt(300));
                byte[] body = new byte[v.length - 10];
                random.nextBytes(body);
                System.arraycopy(body, 0, v, 10, body.length);
                badOrValid(d.getKey(), d.getValue(), v, "header + random body #" + i);
            }
            for (int at = 10; at < own.length; at++) {
                for (int flip : new int[] {0x01, 0x80, 0xff}) {
                    byte[] v = own.clone();
                    v[at] ^= (byte) flip;
                    badOrValid(d.getKey(), d.getValue(), v, "byte " + at + " xor " + flip);
                }
            }
        }
    }

    /**
     * Huge lengths and counts right after the header: a decoder must not try to allocate them
     * (Avro's reader would: 30 bytes asking for a 2 GB string are an OutOfMemoryError on a small
     * heap, and only slow on a big one, so the allocation itself is measured).
     */
    @Test
    void hugeLengthsAndCountsAreBadAndCheap() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (Map.Entry<String, Decoder> d : decoders.entrySet()) {
            byte[] header = Arrays.copyOf(valid.get(d.getKey()), 10);
            for (long n : new long[] {Integer.MAX_VALUE - 8, Integer.MAX_VALUE, 1L << 40, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
                byte[] length = zigZagVarLong(n);
                byte[] v = Arrays.copyOf(header, 10 + length.length + 4);
                System.arraycopy(length, 0, v, 10, length.length);
                long before = threads.getCurrentThreadAllocatedBytes();
                assertBad(d.getKey(), d.getValue(), v, "first length/count " + n);
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertTrue(allocated < 16 << 20, "decode" + d.getKey() + " allocated " + allocated + " bytes for length " + n);
            }
        }
    }

    private static void assertBad(String type, Decoder d, byte[] value, String what) {
        try {
            Object decoded = d.decode(value);
            fail("decode" + type + " accepted " + what + ": " + decoded);
        } catch (BadRecordException expected) {
            // the one allowed outcome
        } catch (Throwable t) {
            fail("decode" + type + " let " + t + " escape for " + what, t);
        }
    }

    private static void badOrValid(String type, Decoder d, byte[] value, String what) {
        try {
            d.decode(value);
        } catch (BadRecordException expected) {
            // fine: dead-lettered
        } catch (Throwable t) {
            fail("decode" + type + " let " + t + " escape for " + what, t);
        }
    }

    /** Avro's encoding of a long: zig-zag, then 7 bits a byte, low first. */
    private static byte[] zigZagVarLong(long n) {
        long z = (n << 1) ^ (n >> 63);
        byte[] out = new byte[10];
        int i = 0;
        while ((z & ~0x7fL) != 0) {
            out[i++] = (byte) ((z & 0x7f) | 0x80);
            z >>>= 7;
        }
        out[i++] = (byte) z;
        return Arrays.copyOf(out, i);
    }
}
