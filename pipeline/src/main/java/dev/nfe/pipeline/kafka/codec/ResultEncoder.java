package dev.nfe.pipeline.kafka.codec;

import dev.nfe.schema.v1.Finding;
import dev.nfe.schema.v1.Observation;
import dev.nfe.schema.v1.Session;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Single-object encoding of sessions, findings and observations with reused writers and buffers: the same
 * bytes as {@link AvroValues#encode} (tested), without the generated encoder's per-record
 * stream, encoder and growing buffer, which cost a dissector a fifth of its time.
 * One per thread.
 */
public final class ResultEncoder {
    private static final byte[] SESSION_HEADER =
            SegmentCodec.header(SchemaNormalization.parsingFingerprint64(Session.getClassSchema()));
    private static final byte[] FINDING_HEADER =
            SegmentCodec.header(SchemaNormalization.parsingFingerprint64(Finding.getClassSchema()));

    private static final byte[] OBSERVATION_HEADER =
            SegmentCodec.header(SchemaNormalization.parsingFingerprint64(Observation.getClassSchema()));

    private final SpecificData model = ownEncoders();
    private final SpecificDatumWriter<Observation> observations = new SpecificDatumWriter<>(Observation.getClassSchema(), model);
    private final SpecificDatumWriter<Session> sessions = new SpecificDatumWriter<>(Session.getClassSchema(), model);
    private final SpecificDatumWriter<Finding> findings = new SpecificDatumWriter<>(Finding.getClassSchema(), model);

    /**
     * The specific model with the generated classes' own encoders ({@code customEncode}): without
     * it Avro writes them through its generic path (a field lookup and a union resolution per
     * field), a third of a Kafka dissector's thread in a profile of {@code nfe bench-kafka}. Only
     * for writing our own records: decoding of what the topics hold stays on the checked path.
     */
    private static SpecificData ownEncoders() {
        SpecificData m = new GeneratedClasses();
        m.setCustomCoders(true);
        return m;
    }
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
    private BinaryEncoder encoder;

    public byte[] session(Session s) {
        return write(SESSION_HEADER, s, sessions);
    }

    public byte[] finding(Finding f) {
        return write(FINDING_HEADER, f, findings);
    }

    public byte[] observation(Observation o) {
        return write(OBSERVATION_HEADER, o, observations);
    }

    private <T> byte[] write(byte[] header, T record, SpecificDatumWriter<T> writer) {
        buf.reset();
        buf.writeBytes(header);
        encoder = EncoderFactory.get().binaryEncoder(buf, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding into memory cannot fail", e);
        }
        return buf.toByteArray();
    }
}
