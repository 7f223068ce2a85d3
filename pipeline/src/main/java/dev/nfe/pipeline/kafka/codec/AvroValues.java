package dev.nfe.pipeline.kafka.codec;

import dev.nfe.schema.v1.Finding;
import dev.nfe.schema.v1.Session;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.ClassSecurityValidator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Avro single-object encoding (marker, schema fingerprint, body) of the result records, through
 * the generated classes' own encoders. Decoding turns every failure into a
 * {@link BadRecordException}: values come from topics that anyone with access can write.
 */
public final class AvroValues {
    static {
        // Avro 1.12.2 checks every class its readers instantiate against a JVM-wide allow-list
        // that holds only java.lang/java.math (AVRO-4189), so decoding our own generated records
        // threw SecurityException. Trust exactly the generated package, added to (not replacing)
        // whatever policy the JVM already has; the classes come from our schemas, never from data.
        ClassSecurityValidator.ClassSecurityPredicate before = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                c -> c.getPackageName().equals(Session.class.getPackageName()), before));
    }

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
        try {
            return Session.fromByteBuffer(wrap(value, "Session"));
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new BadRecordException("not a Session: " + e.getMessage(), e);
        }
    }

    public static Finding decodeFinding(byte[] value) throws BadRecordException {
        try {
            return Finding.fromByteBuffer(wrap(value, "Finding"));
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new BadRecordException("not a Finding: " + e.getMessage(), e);
        }
    }

    public static dev.nfe.schema.v1.AgentMarker decodeMarker(byte[] value) throws BadRecordException {
        try {
            return dev.nfe.schema.v1.AgentMarker.fromByteBuffer(wrap(value, "AgentMarker"));
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new BadRecordException("neither a TcpSegment nor an AgentMarker: " + e.getMessage(), e);
        }
    }

    public static dev.nfe.schema.v1.AgentStats decodeStats(byte[] value) throws BadRecordException {
        try {
            return dev.nfe.schema.v1.AgentStats.fromByteBuffer(wrap(value, "AgentStats"));
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new BadRecordException("not an AgentStats: " + e.getMessage(), e);
        }
    }

    private static ByteBuffer wrap(byte[] value, String what) throws BadRecordException {
        if (value == null || value.length < 10) {
            throw new BadRecordException("not a " + what + ": " + (value == null ? "no value" : value.length + " bytes"));
        }
        return ByteBuffer.wrap(value);
    }
}
