package dev.nfe.pipeline.kafka.codec;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares an Avro record with the JSON line of the same record, field by field, driven by the
 * Avro schema alone (so a field added to the schema is compared without touching this class).
 * The representational differences of DESIGN.md's output contract are the only exceptions, each
 * handled explicitly:
 * <ul>
 * <li>Avro {@code x_nanos} (epoch nanoseconds) is JSON {@code x}, ISO-8601 UTC with microseconds:
 *     compared as epoch nanoseconds after truncating the Avro value to the microsecond;</li>
 * <li>versions, cipher suites, supported versions / groups, signature algorithms, the selected
 *     version and the cipher are Avro ints but JSON lowercase hex strings, {@code "0x0303"};
 *     in an SSLv2-format hello the 3-byte cipher specs have six digits, {@code "0x010080"};</li>
 * <li>the JSON object has one more member, {@code "record"}, naming the record kind.</li>
 * </ul>
 * Mismatches are collected rather than thrown, so a test can show that one is detected.
 */
final class AvroJsonWalker {
    /** Fields written as hex text in JSON (DESIGN.md "Output contract"). */
    private static final Set<String> HEX_FIELDS = Set.of("record_version", "handshake_version", "cipher_suites",
            "supported_versions", "supported_groups", "signature_algorithms", "selected_version", "cipher");
    /** Fields that hold SSLv2 3-byte cipher specs when their hello is in SSLv2 format. */
    private static final Set<String> SSLV2_SPEC_FIELDS = Set.of("cipher_suites", "cipher");

    private final List<String> mismatches = new ArrayList<>();
    /** Leaf values compared, by how they were compared: shows every special case was exercised. */
    private final Map<String, Integer> leaves = new TreeMap<>();

    List<String> mismatches() {
        return mismatches;
    }

    Map<String, Integer> leaves() {
        return leaves;
    }

    int leafCount() {
        return leaves.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** A top-level record: the JSON line also names the record kind. */
    void compareTop(IndexedRecord avro, JsonNode json, String kind) {
        if (!kind.equals(json.path("record").asText(null))) {
            mismatch("$", "record kind " + kind, json.path("record"));
        }
        record(avro.getSchema(), avro, json, "$", Set.of("record"));
    }

    private void record(Schema schema, IndexedRecord avro, JsonNode json, String path, Set<String> extraJson) {
        if (!json.isObject()) {
            mismatch(path, "an object", json);
            return;
        }
        List<String> expectedNames = new ArrayList<>(extraJson);
        for (Schema.Field f : schema.getFields()) {
            String jsonName = jsonName(f.name());
            expectedNames.add(jsonName);
            String where = path + "." + jsonName;
            if (!json.has(jsonName)) {
                mismatch(where, "present", "missing");
                continue;
            }
            value(f.schema(), avro.get(f.pos()), json.get(jsonName), where, new Context(f.name(), avro));
        }
        // and nothing in the JSON that the schema does not carry
        Iterator<String> names = json.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!expectedNames.contains(n)) {
                mismatch(path + "." + n, "no such member (not in the Avro schema)", json.get(n));
            }
        }
    }

    /**
     * @param field     the Avro field this value belongs to (array elements keep their field's name)
     * @param enclosing the record holding the field: an SSLv2 hello changes how its suites print
     */
    private record Context(String field, IndexedRecord enclosing) {
    }

    private void value(Schema schema, Object avro, JsonNode json, String path, Context ctx) {
        switch (schema.getType()) {
            case UNION -> {
                if (avro == null) {
                    // a null branch must come out as JSON null, never as a missing or empty value
                    count("null");
                    if (!json.isNull()) {
                        mismatch(path, "null", json);
                    }
                    return;
                }
                int branch = GenericData.get().resolveUnion(schema, avro);
                value(schema.getTypes().get(branch), avro, json, path, ctx);
            }
            case RECORD -> record(schema, (IndexedRecord) avro, json, path, Set.of());
            case ARRAY -> {
                List<?> list = (List<?>) avro;
                if (!json.isArray() || json.size() != list.size()) {
                    mismatch(path, "array of " + list.size(), json);
                    return;
                }
                count("array");
                for (int i = 0; i < list.size(); i++) {
                    value(schema.getElementType(), list.get(i), json.get(i), path + "[" + i + "]", ctx);
                }
            }
            case STRING -> {
                count("string");
                if (!json.isTextual() || !json.textValue().equals(avro.toString())) {
                    mismatch(path, avro, json);
                }
            }
            case BOOLEAN -> {
                count("boolean");
                if (!json.isBoolean() || json.booleanValue() != (Boolean) avro) {
                    mismatch(path, avro, json);
                }
            }
            case INT -> {
                if (HEX_FIELDS.contains(ctx.field())) {
                    hex(path, (Integer) avro, json, ctx);
                } else {
                    integral(path, (Integer) avro, json);
                }
            }
            case LONG -> {
                if (ctx.field().endsWith("_nanos")) {
                    time(path, (Long) avro, json);
                } else {
                    integral(path, (Long) avro, json);
                }
            }
            default -> mismatch(path, "a type this walker knows (add it here)", schema.getType());
        }
    }

    private void integral(String path, long avro, JsonNode json) {
        count("number");
        if (!json.isIntegralNumber() || !json.canConvertToLong() || json.longValue() != avro) {
            mismatch(path, avro, json);
        }
    }

    private void hex(String path, int avro, JsonNode json, Context ctx) {
        boolean spec = SSLV2_SPEC_FIELDS.contains(ctx.field()) && sslv2(ctx.enclosing());
        int digits = spec ? 6 : 4;
        count(spec ? "hex24" : "hex16");
        // the expectation is formatted from the full int: a value that does not fit the width
        // prints longer here and so cannot match a masked rendering
        String expected = "0x" + String.format("%0" + digits + "x", avro);
        if (!json.isTextual() || !json.textValue().equals(expected)) {
            mismatch(path, expected + " (" + avro + ")", json);
        }
    }

    private static boolean sslv2(IndexedRecord hello) {
        Schema.Field f = hello.getSchema().getField("sslv2_format");
        return f != null && Boolean.TRUE.equals(hello.get(f.pos()));
    }

    /** JSON times carry microseconds; the Avro nanoseconds below them are not in the JSON. */
    private void time(String path, long avroNanos, JsonNode json) {
        count("time");
        if (!json.isTextual()) {
            mismatch(path, "an ISO-8601 time", json);
            return;
        }
        long jsonNanos;
        try {
            Instant t = Instant.parse(json.textValue());
            jsonNanos = Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            mismatch(path, "an ISO-8601 time", json);
            return;
        }
        long expected = Math.floorDiv(avroNanos, 1000L) * 1000L;
        if (jsonNanos != expected) {
            mismatch(path, avroNanos + " ns (" + Instant.ofEpochSecond(0, expected) + ")", json);
        }
    }

    private static String jsonName(String avroName) {
        return avroName.endsWith("_nanos") ? avroName.substring(0, avroName.length() - "_nanos".length()) : avroName;
    }

    private void count(String kind) {
        leaves.merge(kind, 1, Integer::sum);
    }

    private void mismatch(String path, Object expected, Object actual) {
        mismatches.add(path + ": Avro " + Objects.toString(expected) + ", JSON " + Objects.toString(actual));
    }
}
