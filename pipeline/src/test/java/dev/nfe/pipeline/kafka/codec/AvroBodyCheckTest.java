package dev.nfe.pipeline.kafka.codec;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfe.schema.v1.Session;
import dev.nfe.dissect.report.SessionRecord;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

/**
 * The body walk that keeps Avro's reader from allocating lengths a value does not hold. The
 * hostile case is the one the avro-value fuzz harness found (its three inputs replay in
 * SegmentCodecFuzzTest): an array block written with a negative count and a byte size, holding a
 * string whose length is a gigabyte. Avro's own skip jumps over such a block by its size.
 */
class AvroBodyCheckTest {
    private static final Schema STRINGS = new Schema.Parser().parse("{\"type\": \"array\", \"items\": \"string\"}");

    /** count -1 (zig-zag 01), block size 2 (04), then a string of length 1,000,000,000 (zig-zag varint). */
    private static final byte[] HOSTILE_BLOCK = {0x01, 0x04, (byte) 0x80, (byte) 0xa8, (byte) 0xd6, (byte) 0xb9, 0x07, 0x00};

    @Test
    void aBlockWithANegativeCountIsWalkedItemByItem() throws Exception {
        // Avro's skip accepts it: the byte size lets it jump over the item
        GenericDatumReader.skip(STRINGS, DecoderFactory.get().binaryDecoder(new byte[] {0x01, 0x04, 0x02, 0x61, 0x00}, null));
        BadRecordException e = assertThrows(BadRecordException.class,
                () -> AvroBodyCheck.check(STRINGS, HOSTILE_BLOCK, 0, HOSTILE_BLOCK.length));
        assertTrue(e.getMessage().contains("length 1000000000"), e.getMessage());
    }

    /**
     * The fuzzer's three inputs through the real decoders: each is refused without allocating
     * what its lengths claim (checked by the thread's allocation counter, so the test does not
     * depend on the heap being too small for a gigabyte, as it was under the fuzzer).
     */
    @Test
    void theFuzzersInputsAreRefusedWithoutAllocatingTheirLengths() throws Exception {
        Path dir = Path.of(AvroBodyCheckTest.class.getResource("SegmentCodecFuzzTestInputs/avroValue").toURI());
        List<Path> crashers;
        try (var files = Files.list(dir)) {
            crashers = files.filter(f -> f.getFileName().toString().startsWith("crash-")).sorted().toList();
        }
        assertEquals(3, crashers.size(), "the avro-value harness's three OutOfMemoryError inputs");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (Path f : crashers) {
            byte[] input = Files.readAllBytes(f);
            byte[] value = Arrays.copyOf(input, input.length - 1); // the harness reads its decoder choice from the last byte
            List<Decoder> decoders = List.of(AvroValues::decodeSession, AvroValues::decodeFinding,
                    AvroValues::decodeMarker, AvroValues::decodeStats);
            for (Decoder d : decoders) {
                long before = threads.getCurrentThreadAllocatedBytes();
                assertThrows(BadRecordException.class, () -> d.decode(value), f.getFileName().toString());
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertTrue(allocated < 16 << 20, f.getFileName() + " allocated " + allocated + " bytes");
            }
        }
    }

    @FunctionalInterface
    private interface Decoder {
        Object decode(byte[] value) throws BadRecordException;
    }

    @Test
    void wellFormedBlocksOfBothKindsPass() {
        byte[] positive = {0x02, 0x02, 0x61, 0x00};            // one item "a", end
        byte[] negative = {0x01, 0x04, 0x02, 0x61, 0x00};      // one item "a" in a sized block, end
        assertDoesNotThrow(() -> AvroBodyCheck.check(STRINGS, positive, 0, positive.length));
        assertDoesNotThrow(() -> AvroBodyCheck.check(STRINGS, negative, 0, negative.length));
    }

    @Test
    void countsLargerThanTheBytesLeftAreRejected() {
        byte[] manyItems = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x00}; // 2^31 - 1 items
        assertThrows(BadRecordException.class, () -> AvroBodyCheck.check(STRINGS, manyItems, 0, manyItems.length));
    }

    /** A real session, as Avro writes it, passes; every cut of it fails. */
    @Test
    void aRealSessionPassesAndEveryTruncationFails() throws Exception {
        // the sample's session with the longest encoding: hellos, lists, certificates, alerts
        Replayed r = Replayed.of(List.of(Replayed.ROOT.resolve("samples/loopback/capture.pcap")));
        SessionRecord richest = r.sessions().stream().map(Replayed.Rec::value)
                .max(Comparator.comparingInt(s -> AvroValues.encode(SessionAvro.toAvro(s)).length)).orElseThrow();
        byte[] value = AvroValues.encode(SessionAvro.toAvro(richest));
        assertDoesNotThrow(() -> AvroBodyCheck.check(Session.getClassSchema(), value, 10, value.length - 10));
        for (int cut = 10; cut < value.length; cut++) {
            int len = cut - 10;
            assertThrows(BadRecordException.class, () -> AvroBodyCheck.check(Session.getClassSchema(), value, 10, len),
                    "cut at " + cut);
        }
    }
}
