package dev.nfe.dissect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The long part of every TLS stream is application data: it must cost no allocation and no copy
 * per record. Measured with the JVM's per-thread allocation counter (HotSpot).
 */
class HotPathTest {

    /** Counts events without keeping them. */
    static final class Counting implements TlsEvents {
        long encrypted;
        long bytes;

        @Override
        public void encryptedRecord(int contentType, int length, long frame, long tsNanos) {
            encrypted++;
            bytes += length;
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void applicationDataCostsNoAllocation() {
        // a TLS 1.2 stream: the real ClientHello, then 1000-byte application data records in 1448-byte segments
        byte[] hello = Fixture.load("tls12-openssl-chain").stream('C');
        int helloRecord = MalformedInputTest.firstRecord(hello);
        byte[] record = MalformedInputTest.record(23, new byte[1000]);
        byte[] stream = new byte[1448 * record.length]; // whole records, whole segments
        for (int p = 0; p < stream.length; p += record.length) {
            System.arraycopy(record, 0, stream, p, Math.min(record.length, stream.length - p));
        }
        Counting events = new Counting();
        TlsStreamDecoder d = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT), events);
        d.feed(hello, 0, helloRecord, 1, 0);
        long frame = 2;
        // warm up, then measure
        for (int round = 0; round < 20; round++) {
            for (int p = 0; p < stream.length; p += 1448) {
                d.feed(stream, p, 1448, frame++, 0);
            }
        }
        long before = allocatedBytes();
        long records = events.encrypted;
        for (int round = 0; round < 20; round++) {
            for (int p = 0; p < stream.length; p += 1448) {
                d.feed(stream, p, 1448, frame++, 0);
            }
        }
        long allocated = allocatedBytes() - before;
        long decoded = events.encrypted - records;
        assertTrue(decoded > 20_000, "records decoded: " + decoded);
        assertTrue(allocated < 4096, allocated + " bytes allocated for " + decoded + " records");
        assertEquals(TlsStreamDecoder.Mode.TLS, d.mode());
    }
}
