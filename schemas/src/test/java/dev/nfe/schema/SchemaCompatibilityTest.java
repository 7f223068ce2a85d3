package dev.nfe.schema;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The wire contract may only grow compatibly: topics hold values written with the last released
 * schemas, and consumers of that release keep reading what the current code writes. So every
 * schema of the latest release must be compatible with its current version in both directions
 * (new reader / old writer for old data, old reader / new writer for old consumers).
 * The release procedure is in schemas/README.md.
 */
class SchemaCompatibilityTest {
    /** Surefire runs in the module directory. */
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path CURRENT = MODULE.resolve("src/main/avro");
    private static final Path RELEASED = MODULE.resolve("src/released");
    private static final String NAMESPACE = "dev.nfe.schema.v1";

    @Test
    void latestReleaseIsCompatibleBothWaysWithTheCurrentSchemas() throws IOException {
        Path release = latestRelease();
        Map<String, Schema> current = schemas(CURRENT);
        Map<String, Schema> released = schemas(release);
        assertFalse(released.isEmpty(), release + " holds no schemas");

        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Schema> e : released.entrySet()) {
            Schema now = current.get(e.getKey());
            if (now == null) {
                problems.add(e.getKey() + ": released in " + release.getFileName() + " but gone from " + CURRENT);
                continue;
            }
            problems.addAll(incompatibilities("new reader / old writer", now, e.getValue()));
            problems.addAll(incompatibilities("old reader / new writer", e.getValue(), now));
        }
        assertTrue(problems.isEmpty(), "schemas incompatible with release " + release.getFileName() + ":\n"
                + String.join("\n", problems));
    }

    @Test
    void everyCurrentSchemaIsInTheV1Namespace() throws IOException {
        Map<String, Schema> current = schemas(CURRENT);
        for (Schema s : current.values()) {
            assertEquals(NAMESPACE, s.getNamespace(), s.getFullName());
        }
    }

    /**
     * A schema with no released counterpart has nothing to be compatible with yet, so the check
     * above passes it by; that must be a decision, not an accident: every current schema is either
     * in the latest release or named here as new since it (until the next release copies it).
     * A file that went missing, or a new one nobody listed, fails here.
     */
    @Test
    void everyCurrentSchemaIsReleasedOrKnownAsNew() throws IOException {
        Set<String> newSinceRelease = Set.of("AgentMarker", "AgentStats", "Observation", "SourceEnd", "HostIncidents");
        Set<String> released = new TreeSet<>();
        schemas(latestRelease()).values().forEach(s -> released.add(s.getName()));
        Set<String> current = new TreeSet<>();
        schemas(CURRENT).values().forEach(s -> current.add(s.getName()));
        for (String n : newSinceRelease) {
            assertFalse(released.contains(n), n + " is released now: take it off the list of new schemas");
        }
        Set<String> expected = new TreeSet<>(released);
        expected.addAll(newSinceRelease);
        assertEquals(expected, current, "current schemas against the latest release plus the new ones");
    }

    /** The check must be able to fail, or the test above proves nothing. */
    @Test
    void breakingChangesAreReported() throws IOException {
        Path release = latestRelease();
        String text = Files.readString(release.resolve("Finding.avsc"), StandardCharsets.UTF_8);
        Schema old = new Schema.Parser().parse(text);

        // a type change long -> string: neither side can read the other's ts_nanos
        String retyped = text.replace("{\"name\": \"ts_nanos\", \"type\": \"long\"}",
                "{\"name\": \"ts_nanos\", \"type\": \"string\"}");
        assertFalse(retyped.equals(text), "the released Finding.avsc no longer has ts_nanos as written here");
        Schema retypedSchema = new Schema.Parser().parse(retyped);
        List<String> typeProblems = new ArrayList<>();
        typeProblems.addAll(incompatibilities("new reader / old writer", retypedSchema, old));
        typeProblems.addAll(incompatibilities("old reader / new writer", old, retypedSchema));
        assertEquals(2, typeProblems.size(), String.join("\n", typeProblems));
        // Avro reports where as a JSON pointer into the schema, by field position
        String where = "/fields/" + old.getField("ts_nanos").pos() + "/type";
        assertTrue(typeProblems.stream().allMatch(p -> p.contains(where) && p.contains("TYPE_MISMATCH")),
                String.join("\n", typeProblems));

        // a new field without a default: a new reader cannot fill it from old data
        String added = text.replace("\"fields\": [",
                "\"fields\": [\n    {\"name\": \"added_without_default\", \"type\": \"int\"},");
        assertFalse(added.equals(text), "the released Finding.avsc no longer has a fields array as written here");
        Schema addedSchema = new Schema.Parser().parse(added);
        List<String> addProblems = incompatibilities("new reader / old writer", addedSchema, old);
        assertEquals(1, addProblems.size(), String.join("\n", addProblems));
        assertTrue(addProblems.get(0).contains("READER_FIELD_MISSING_DEFAULT")
                && addProblems.get(0).contains("added_without_default"), addProblems.get(0));
        // the other way round is fine: an old reader skips a field it does not know
        assertEquals(List.of(), incompatibilities("old reader / new writer", old, addedSchema));
    }

    @Test
    void releasesSortBySemanticVersionNotByText() {
        List<String> names = new ArrayList<>(List.of("0.10.0", "0.9.1", "1.0.0", "0.9.0"));
        names.sort(Comparator.comparing(SchemaCompatibilityTest::version, SchemaCompatibilityTest::compareVersions));
        assertEquals(List.of("0.9.0", "0.9.1", "0.10.0", "1.0.0"), names);
    }

    /** One line per incompatibility: which direction, where, and what. */
    private static List<String> incompatibilities(String direction, Schema reader, Schema writer) {
        SchemaCompatibilityResult r = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        if (r.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        List<Incompatibility> list = r.getIncompatibilities();
        assertNotNull(list);
        return list.stream()
                .map(i -> reader.getFullName() + " (" + direction + ") at " + i.getLocation() + ": "
                        + i.getType() + " " + i.getMessage())
                .collect(Collectors.toList());
    }

    private static Path latestRelease() throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(RELEASED)) {
            dirs = s.filter(Files::isDirectory).collect(Collectors.toList());
        }
        assertFalse(dirs.isEmpty(), "no release under " + RELEASED);
        return dirs.stream()
                .max(Comparator.comparing(p -> version(p.getFileName().toString()),
                        SchemaCompatibilityTest::compareVersions))
                .orElseThrow();
    }

    /** "1.10.2" as {1, 10, 2}; anything else under src/released is a mistake worth failing on. */
    private static int[] version(String name) {
        if (!name.matches("\\d+(\\.\\d+)*")) {
            fail("not a version directory in " + RELEASED + ": " + name);
        }
        return Arrays.stream(name.split("\\.")).mapToInt(Integer::parseInt).toArray();
    }

    private static int compareVersions(int[] a, int[] b) {
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int c = Integer.compare(i < a.length ? a[i] : 0, i < b.length ? b[i] : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The .avsc files of a directory by full name; each file is parsed on its own, as released. */
    private static Map<String, Schema> schemas(Path dir) throws IOException {
        Map<String, Schema> out = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".avsc")).sorted().collect(Collectors.toList());
        }
        for (Path f : files) {
            Schema schema = new Schema.Parser().parse(f.toFile());
            // the file name is how a release is matched to its current version by a person
            assertEquals(schema.getName() + ".avsc", f.getFileName().toString(), "file name of " + f);
            assertTrue(out.put(schema.getFullName(), schema) == null, "two files define " + schema.getFullName());
        }
        return out;
    }
}
