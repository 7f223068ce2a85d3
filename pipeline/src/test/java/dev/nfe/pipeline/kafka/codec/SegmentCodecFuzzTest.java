package dev.nfe.pipeline.kafka.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the decoders of topic values, which anyone with write access to a topic can send: the
 * hand-written TcpSegment codec and the Avro single-object decoders. Every bad value must be a
 * {@link BadRecordException}; any other exception or error is a finding. A segment that decodes
 * must survive encode / decode unchanged.
 */
class SegmentCodecFuzzTest {

    @FuzzTest
    void segment(byte[] value) {
        SegmentCodec codec = new SegmentCodec();
        WireSegment w;
        try {
            w = codec.decode(value);
        } catch (BadRecordException bad) {
            return;
        }
        byte[] again = codec.encode(w.segment(), w.agent(), w.source(), w.segment().payload().length(), w.firstInFlow(),
                w.captureLoss());
        WireSegment back;
        try {
            back = codec.decode(again);
        } catch (BadRecordException e) {
            throw new AssertionError("a decoded segment does not decode after encoding: " + e.getMessage(), e);
        }
        assertEquals(w.segment(), back.segment());
        assertEquals(w.agent(), back.agent());
        assertEquals(w.source(), back.source());
        assertEquals(w.firstInFlow(), back.firstInFlow());
        assertEquals(w.captureLoss(), back.captureLoss());
    }

    @FuzzTest
    void avroValue(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 3);
        byte[] value = data.consumeRemainingAsBytes();
        try {
            switch (which) {
                case 0 -> AvroValues.decodeSession(value);
                case 1 -> AvroValues.decodeFinding(value);
                case 2 -> AvroValues.decodeMarker(value);
                default -> AvroValues.decodeStats(value);
            }
        } catch (BadRecordException bad) {
            // the contract: dead-lettered by the caller
        }
    }
}
