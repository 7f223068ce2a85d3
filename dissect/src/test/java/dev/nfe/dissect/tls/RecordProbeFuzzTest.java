package dev.nfe.dissect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.nfe.dissect.tls.RecordProbe.Expect;
import dev.nfe.dissect.tls.RecordProbe.NeedMore;
import dev.nfe.dissect.tls.RecordProbe.Record;
import dev.nfe.dissect.tls.RecordProbe.Result;

/**
 * Fuzzes the record probe against its documented contract: it never needs more than
 * {@link RecordProbe#MAX_PROBE_BYTES} bytes, it answers {@link NeedMore} on a prefix only while
 * the full bytes do not decide otherwise (the same stream gives the same answer at the same byte
 * however it is cut), and a record it accepts has a sane header and a body within the maximum.
 */
class RecordProbeFuzzTest {
    private static final Expect[] EXPECTS = Expect.values();

    @FuzzTest
    void probe(FuzzedDataProvider data) {
        Expect expect = data.pickValue(EXPECTS);
        int maxBody = data.consumeInt(1, 16384 + 2048 + 256);
        int knownVersion = data.consumeBoolean() ? -1 : data.consumeInt(0, 0xffff);
        int lead = data.consumeInt(0, 4);
        byte[] bytes = data.consumeRemainingAsBytes();
        byte[] buf = new byte[lead + bytes.length];
        System.arraycopy(bytes, 0, buf, lead, bytes.length);

        Result full = RecordProbe.probe(buf, lead, bytes.length, expect, maxBody, knownVersion);
        if (bytes.length >= RecordProbe.MAX_PROBE_BYTES) {
            assertTrue(!(full instanceof NeedMore), "needs more than MAX_PROBE_BYTES");
            assertEquals(full, RecordProbe.probe(buf, lead, RecordProbe.MAX_PROBE_BYTES, expect, maxBody, knownVersion),
                    "bytes past MAX_PROBE_BYTES changed the answer");
        }
        for (int k = 0; k < Math.min(bytes.length, RecordProbe.MAX_PROBE_BYTES); k++) {
            Result prefix = RecordProbe.probe(buf, lead, k, expect, maxBody, knownVersion);
            int at = k;
            assertTrue(prefix instanceof NeedMore || prefix.equals(full),
                    () -> "prefix of " + at + " bytes answers " + prefix + ", all " + bytes.length + " bytes " + full);
        }
        if (full instanceof Record r) {
            assertTrue(r.sslv2() ? r.headerLength() == 2 || r.headerLength() == 3 : r.headerLength() == 5, r::toString);
            assertTrue(r.bodyLength() >= 0, r::toString);
            assertTrue(r.sslv2() || r.bodyLength() <= maxBody, () -> r + " above the maximum body " + maxBody);
        }
    }
}
