package dev.nfe.pipeline.kafka.codec;

import dev.nfe.schema.v1.Finding;
import dev.nfe.schema.v1.AgentMarker;
import dev.nfe.schema.v1.AgentStats;
import dev.nfe.schema.v1.HostIncidents;
import dev.nfe.schema.v1.Observation;
import dev.nfe.schema.v1.Session;
import dev.nfe.schema.v1.SourceEnd;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Avro single-object encoding (marker, schema fingerprint, body) of the result records, through
 * the generated classes' own encoders. Decoding turns every failure into a
 * {@link BadRecordException}: values come from topics that anyone with access can write, so any
 * runtime exception of Avro's reader means a bad value, not a bug to crash on.
 */
public final class AvroValues {
    /** Single-object header: the marker C3 01 and the schema's 8-byte fingerprint. */
    private static final int HEADER = 10;

    private static final GeneratedClasses MODEL = new GeneratedClasses();
    private static final BinaryMessageDecoder<Session> SESSIONS =
            new BinaryMessageDecoder<>(MODEL, Session.getClassSchema());
    private static final BinaryMessageDecoder<Finding> FINDINGS =
            new BinaryMessageDecoder<>(MODEL, Finding.getClassSchema());
    private static final BinaryMessageDecoder<AgentStats> STATS =
            new BinaryMessageDecoder<>(MODEL, AgentStats.getClassSchema());
    private static final BinaryMessageDecoder<AgentMarker> MARKERS =
            new BinaryMessageDecoder<>(MODEL, AgentMarker.getClassSchema());

    private static final BinaryMessageDecoder<Observation> OBSERVATIONS =
            new BinaryMessageDecoder<>(MODEL, Observation.getClassSchema());
    private static final BinaryMessageDecoder<SourceEnd> SOURCE_ENDS =
            new BinaryMessageDecoder<>(MODEL, SourceEnd.getClassSchema());
    private static final BinaryMessageDecoder<HostIncidents> HOST_INCIDENTS =
            new BinaryMessageDecoder<>(MODEL, HostIncidents.getClassSchema());
    private static final long OBSERVATION_FINGERPRINT =
            SchemaNormalization.parsingFingerprint64(Observation.getClassSchema());

    private AvroValues() {
    }

    /** The record's single-object bytes. */
    public static byte[] encode(SpecificRecordBase record) {
        try {
            ByteBuffer bb;
            if (record instanceof Session s) {
                bb = s.toByteBuffer();
            } else if (record instanceof Finding f) {
                bb = f.toByteBuffer();
            } else if (record instanceof dev.nfe.schema.v1.AgentStats a) {
                bb = a.toByteBuffer();
            } else if (record instanceof dev.nfe.schema.v1.AgentMarker m) {
                bb = m.toByteBuffer();
            } else if (record instanceof Observation o) {
                bb = o.toByteBuffer();
            } else if (record instanceof SourceEnd e) {
                bb = e.toByteBuffer();
            } else if (record instanceof HostIncidents h) {
                bb = h.toByteBuffer();
            } else {
                throw new IllegalArgumentException("not an nfe result record: " + record.getSchema().getFullName());
            }
            byte[] out = new byte[bb.remaining()];
            bb.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("encoding into memory cannot fail", e);
        }
    }

    public static Session decodeSession(byte[] value) throws BadRecordException {
        return decode(value, SESSIONS, Session.getClassSchema(), "Session", "not a Session");
    }

    public static Finding decodeFinding(byte[] value) throws BadRecordException {
        return decode(value, FINDINGS, Finding.getClassSchema(), "Finding", "not a Finding");
    }

    public static AgentMarker decodeMarker(byte[] value) throws BadRecordException {
        // markers share the segments topic: a value that is neither is what a reader meets there
        return decode(value, MARKERS, AgentMarker.getClassSchema(), "AgentMarker",
                "neither a TcpSegment nor an AgentMarker");
    }

    public static AgentStats decodeStats(byte[] value) throws BadRecordException {
        return decode(value, STATS, AgentStats.getClassSchema(), "AgentStats", "not an AgentStats");
    }

    /** Whether a value of the observations topic is an observation (else it should be a SourceEnd). */
    public static boolean isObservation(byte[] value) {
        return value != null && value.length >= HEADER && SegmentCodec.fingerprintOf(value) == OBSERVATION_FINGERPRINT;
    }

    public static Observation decodeObservation(byte[] value) throws BadRecordException {
        return decode(value, OBSERVATIONS, Observation.getClassSchema(), "Observation", "not an Observation");
    }

    public static SourceEnd decodeSourceEnd(byte[] value) throws BadRecordException {
        // source ends share the observations topic: a value that is neither is what a reader meets there
        return decode(value, SOURCE_ENDS, SourceEnd.getClassSchema(), "SourceEnd",
                "neither an Observation nor a SourceEnd");
    }

    public static HostIncidents decodeHostIncidents(byte[] value) throws BadRecordException {
        return decode(value, HOST_INCIDENTS, HostIncidents.getClassSchema(), "HostIncidents", "not a HostIncidents");
    }

    private static <T> T decode(byte[] value, BinaryMessageDecoder<T> decoder, Schema schema, String what,
                                String failure) throws BadRecordException {
        try {
            return decoder.decode(wrap(value, what, schema));
        } catch (IOException | RuntimeException e) {
            throw new BadRecordException(failure + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer wrap(byte[] value, String what, Schema schema) throws BadRecordException {
        if (value == null || value.length < HEADER) {
            throw new BadRecordException("not a " + what + ": " + (value == null ? "no value" : value.length + " bytes"));
        }
        // Avro's reader allocates a string's or array's length before reading it and checks it
        // only against the VM's array limit, so 30 hostile bytes cost a 2 GB allocation (or an
        // OutOfMemoryError). Walking the body first reads every length without allocating and
        // fails at the first one that runs past the value's end (AvroBodyCheck says why Avro's
        // own skip is not enough).
        try {
            AvroBodyCheck.check(schema, value, HEADER, value.length - HEADER);
        } catch (BadRecordException e) {
            throw new BadRecordException("not a " + what + ": its body does not fit in " + value.length + " bytes ("
                    + e.getMessage() + ")", e);
        }
        return ByteBuffer.wrap(value);
    }
}
