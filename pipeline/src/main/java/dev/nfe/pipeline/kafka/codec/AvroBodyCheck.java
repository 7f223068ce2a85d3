package dev.nfe.pipeline.kafka.codec;

import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its schema before Avro's reader sees it, and rejects it at
 * the first length or count that runs past the end of the value, so the reader, which allocates a
 * string's or array's length before reading it, never allocates more than the value holds.
 *
 * <p>Why not {@code GenericDatumReader.skip}: an array or map block may be written with a
 * negative item count followed by the block's size in bytes (Avro spec, "Complex Types: Arrays"),
 * and Avro's skip then jumps over the block by that size without reading its items. A string
 * length inside such a block is never looked at, and the reader, which reads the items one by
 * one, allocates it: a 346-byte value gave an OutOfMemoryError (found by the {@code avro-value}
 * fuzz harness; its inputs are kept as regression inputs).
 *
 * <pre>
 * Avro 1.12 specification, "Binary Encoding":
 *   int, long        zig-zag varint (at most 5 / 10 bytes)
 *   float, double    4 / 8 bytes;  boolean 1 byte;  null nothing
 *   bytes, string    a long length, then that many bytes
 *   fixed            its size in bytes;  enum: an int index
 *   array, map       blocks: a long count (0 ends); a negative count -n is followed by a long
 *                    byte size, then n items (map items: a string key, then the value)
 *   union            an int branch index, then the branch's value
 *   record           its fields in order
 * </pre>
 * Every array and map item in nfe's schemas takes at least one byte, so a block whose count is
 * larger than the bytes left is rejected too (this bounds the reader's pre-sized arrays and the
 * walk's own time).
 */
final class AvroBodyCheck {
    /** Nesting deeper than any nfe schema: a guard against recursive schemas, not a real limit. */
    private static final int MAX_DEPTH = 32;

    private final byte[] b;
    private final int end;
    private int pos;

    private AvroBodyCheck(byte[] b, int off, int len) {
        this.b = b;
        this.pos = off;
        this.end = off + len;
    }

    /** Throws when the body at {@code off}, {@code len} bytes, cannot be a value of {@code schema}. */
    static void check(Schema schema, byte[] b, int off, int len) throws BadRecordException {
        new AvroBodyCheck(b, off, len).value(schema, 0);
    }

    private void value(Schema s, int depth) throws BadRecordException {
        if (depth > MAX_DEPTH) {
            throw bad("nested deeper than " + MAX_DEPTH);
        }
        switch (s.getType()) {
            case NULL -> {
            }
            case BOOLEAN -> take(1);
            case INT -> varint(5);
            case LONG -> varint(10);
            case FLOAT -> take(4);
            case DOUBLE -> take(8);
            case STRING, BYTES -> take(length("length"));
            case FIXED -> take(s.getFixedSize());
            case ENUM -> index(s.getEnumSymbols().size(), "enum symbol");
            case UNION -> value(s.getTypes().get(index(s.getTypes().size(), "union branch")), depth + 1);
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    value(f.schema(), depth + 1);
                }
            }
            case ARRAY, MAP -> blocks(s, depth);
        }
    }

    private void blocks(Schema s, int depth) throws BadRecordException {
        while (true) {
            long count = varint(10);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                length("block size");
            }
            if (count < 0 || count > end - pos) {
                throw bad("a block of " + count + " items with " + (end - pos) + " bytes left");
            }
            for (long i = 0; i < count; i++) {
                if (s.getType() == Schema.Type.MAP) {
                    take(length("map key length"));
                    value(s.getValueType(), depth + 1);
                } else {
                    value(s.getElementType(), depth + 1);
                }
            }
        }
    }

    private int index(int size, String what) throws BadRecordException {
        long i = varint(5);
        if (i < 0 || i >= size) {
            throw bad(what + " " + i + " of " + size);
        }
        return (int) i;
    }

    /** A long length that must fit in what is left. */
    private int length(String what) throws BadRecordException {
        long n = varint(10);
        if (n < 0 || n > end - pos) {
            throw bad(what + " " + n + " with " + (end - pos) + " bytes left");
        }
        return (int) n;
    }

    private void take(int n) throws BadRecordException {
        if (n > end - pos) {
            throw bad(n + " bytes needed, " + (end - pos) + " left");
        }
        pos += n;
    }

    /** A zig-zag varint of at most {@code maxBytes} bytes, decoded. */
    private long varint(int maxBytes) throws BadRecordException {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (pos >= end) {
                throw bad("a number cut off by the end of the value");
            }
            int x = b[pos++] & 0xff;
            raw |= (long) (x & 0x7f) << (7 * i);
            if ((x & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw bad("a number longer than " + maxBytes + " bytes");
    }

    private BadRecordException bad(String what) {
        return new BadRecordException("at byte " + pos + ": " + what);
    }
}
