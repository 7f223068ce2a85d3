package dev.nfe.testsuite;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The structure DESIGN.md and the code rules promise, checked on the compiled classes (ArchUnit)
 * and on the sources: module directions, Kafka and Avro only under {@code pipeline.kafka}, no
 * untyped payloads in dissect, no file in dissect over 450 lines, and no {@code default} in a
 * switch over one of nfe's own enums (so the compiler names every spot a new constant must touch).
 */
class ArchitectureTest {
    private static final int MAX_DISSECT_LINES = 450;
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.nfe.capture", "dev.nfe.dissect", "dev.nfe.pipeline");
        assertTrue(classes.size() > 200, "imported only " + classes.size() + " classes");
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void dissectIsAPureLibrary() {
        check(noClasses().that().resideInAPackage("dev.nfe.dissect..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.nfe.pipeline..", "org.apache.kafka..", "org.apache.avro..", "org.pcap4j..",
                        "dev.nfe.schema..", "dev.nfe.capture.pcap4j..")
                .because("dissect is segments in, records out (DESIGN.md, module rules)"));
        check(noClasses().that().resideInAPackage("dev.nfe.dissect..").should().dependOnClassesThat()
                .areAssignableTo(Thread.class).because("a dissector is driven, it never runs threads"));
        check(noClasses().that().resideInAPackage("dev.nfe.dissect..").should()
                .callMethod(System.class, "currentTimeMillis").orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now")
                .because("time is event time only: segment timestamps, never the wall clock"));
    }

    @Test
    void captureKnowsNothingOfDissectOrPipeline() {
        check(noClasses().that().resideInAPackage("dev.nfe.capture..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.nfe.dissect..", "dev.nfe.pipeline..", "org.apache.kafka.."));
        check(noClasses().that().resideInAPackage("dev.nfe.capture..").and().resideOutsideOfPackage("dev.nfe.capture.pcap4j..")
                .should().dependOnClassesThat().resideInAPackage("org.pcap4j..")
                .because("pcap4j stays in its adapter package"));
    }

    @Test
    void kafkaAndAvroOnlyUnderPipelineKafka() {
        check(noClasses().that().resideOutsideOfPackage("dev.nfe.pipeline.kafka..").should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "io.micrometer.core.instrument.binder.kafka..")
                .because("only pipeline/.../kafka touches Kafka"));
        check(noClasses().that().resideOutsideOfPackage("dev.nfe.pipeline.kafka..").should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.avro..", "dev.nfe.schema..")
                .because("Avro-generated classes are mapped in one place and never leak"));
    }

    @Test
    void thePipelineSeesSessionsNotTheTlsDecoder() {
        check(noClasses().that().resideInAPackage("dev.nfe.pipeline..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.nfe.dissect.tls..", "dev.nfe.dissect.tcp..", "dev.nfe.dissect.conn..")
                .because("sessions carry dissect.report values; the decoders are dissect's business"));
    }

    @Test
    void noUntypedPayloadsInDissect() {
        check(noFields().that().areDeclaredInClassesThat().resideInAPackage("dev.nfe.dissect..")
                .should().haveRawType(Object.class).orShould().haveRawType(Object[].class));
        check(noMethods().that().areDeclaredInClassesThat().resideInAPackage("dev.nfe.dissect..")
                .and().doNotHaveName("equals")
                .should().haveRawReturnType(Object.class).orShould().haveRawReturnType(Object[].class));
    }

    @Test
    void noPrintingOutsideTheCli() {
        check(noClasses().that().resideOutsideOfPackage("dev.nfe.pipeline.cli..").should()
                .accessField(System.class, "out").orShould().accessField(System.class, "err"));
    }

    @Test
    void noDissectSourceFileOverTheLimit() throws IOException {
        List<String> tooLong = new ArrayList<>();
        for (Path f : sources("dissect")) {
            long lines = Files.readAllLines(f).size();
            if (lines > MAX_DISSECT_LINES) {
                tooLong.add(f.getFileName() + " (" + lines + " lines)");
            }
        }
        assertEquals(List.of(), tooLong, "dissect files over " + MAX_DISSECT_LINES + " lines");
    }

    @Test
    void noDefaultInSwitchesOverOurEnums() throws IOException {
        Map<String, Set<String>> enums = ourEnums();
        assertTrue(enums.containsKey("Outcome") && enums.containsKey("EventKind"), "enums found: " + enums.keySet());
        List<String> found = new ArrayList<>();
        for (String module : List.of("capture", "dissect", "pipeline")) {
            for (Path f : sources(module)) {
                found.addAll(SwitchScan.defaultsOverEnums(Files.readString(f), enums).stream()
                        .map(s -> f.getFileName() + ": " + s).toList());
            }
        }
        assertEquals(List.of(), found, "switches over nfe's enums with a default branch");
    }

    @Test
    void theSwitchScanFindsADefaultOverAnEnum() {
        Map<String, Set<String>> enums = Map.of("Color", Set.of("RED", "GREEN", "BLUE"));
        String code = "class A { int f(Color c, int n) {\n"
                + "  switch (n) { case 1 -> g(); default -> h(); }\n"
                + "  return switch (c) { case RED -> 1; case GREEN, BLUE -> { switch (n) { default -> 0; } yield 2; }\n"
                + "    default -> 3; };\n"
                + "} /* switch (c) { case RED: default: } */ String s = \"switch (c) { case RED -> 1; default -> 2; }\"; }";
        List<String> hits = SwitchScan.defaultsOverEnums(code, enums);
        assertEquals(1, hits.size(), hits.toString());
        assertTrue(hits.get(0).contains("Color"), hits.toString());
        assertFalse(SwitchScan.defaultsOverEnums("switch (c) { case RED -> 1; case GREEN, BLUE -> 2; }", enums)
                .iterator().hasNext());
    }

    /** Simple names of nfe's own enums and their constants. */
    private static Map<String, Set<String>> ourEnums() {
        Map<String, Set<String>> out = new HashMap<>();
        for (JavaClass c : classes) {
            if (c.isEnum()) {
                out.merge(c.getSimpleName(), c.getEnumConstants().stream().map(e -> e.name()).collect(Collectors.toSet()),
                        (a, b) -> Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet()));
            }
        }
        return out;
    }

    private static List<Path> sources(String module) throws IOException {
        Path root = Nfe.root().resolve(module).resolve("src/main/java");
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /**
     * Finds, in Java source, switch blocks whose case labels are all constants of one of the given
     * enums and that still have a {@code default} at their own level. Comments, strings and char
     * literals are blanked first; nested blocks (and nested switches) are looked at on their own.
     */
    static final class SwitchScan {
        private static final Pattern SWITCH = Pattern.compile("\\bswitch\\s*\\(");
        private static final Pattern LABEL = Pattern.compile("\\bcase\\s+([A-Za-z_][\\w]*(?:\\s*,\\s*[A-Za-z_][\\w]*)*)\\s*(?:->|:)");
        private static final Pattern DEFAULT = Pattern.compile("\\bdefault\\s*(?:->|:)");

        private SwitchScan() {
        }

        static List<String> defaultsOverEnums(String source, Map<String, Set<String>> enums) {
            String code = blank(source);
            List<String> hits = new ArrayList<>();
            Matcher m = SWITCH.matcher(code);
            while (m.find()) {
                int open = code.indexOf('{', closingParen(code, m.end() - 1));
                if (open < 0) {
                    continue;
                }
                String top = topLevel(code, open);
                List<String> labels = new ArrayList<>();
                Matcher l = LABEL.matcher(top);
                while (l.find()) {
                    for (String name : l.group(1).split(",")) {
                        labels.add(name.trim());
                    }
                }
                if (labels.isEmpty() || !DEFAULT.matcher(top).find()) {
                    continue;
                }
                for (Map.Entry<String, Set<String>> e : enums.entrySet()) {
                    if (e.getValue().containsAll(labels)) {
                        int line = (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                        hits.add("line " + line + ": switch over " + e.getKey() + " " + labels + " has a default");
                        break;
                    }
                }
            }
            return hits;
        }

        private static int closingParen(String code, int open) {
            int depth = 0;
            for (int i = open; i < code.length(); i++) {
                char c = code.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return i;
                }
            }
            return code.length() - 1;
        }

        /** The text of the block opening at {@code open}, with everything inside nested braces removed. */
        private static String topLevel(String code, int open) {
            StringBuilder sb = new StringBuilder();
            int depth = 0;
            for (int i = open; i < code.length(); i++) {
                char c = code.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    if (--depth == 0) {
                        break;
                    }
                } else if (depth == 1) {
                    sb.append(c);
                }
            }
            return sb.toString();
        }

        /** Comments and string/char literals replaced by spaces (line breaks kept). */
        static String blank(String s) {
            StringBuilder out = new StringBuilder(s.length());
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                    while (i < s.length() && s.charAt(i) != '\n') {
                        out.append(' ');
                        i++;
                    }
                } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                    int end = s.indexOf("*/", i + 2);
                    end = end < 0 ? s.length() : end + 2;
                    for (; i < end; i++) {
                        out.append(s.charAt(i) == '\n' ? '\n' : ' ');
                    }
                } else if (c == '"' && s.startsWith("\"\"\"", i)) {
                    int end = s.indexOf("\"\"\"", i + 3);
                    end = end < 0 ? s.length() : end + 3;
                    for (; i < end; i++) {
                        out.append(s.charAt(i) == '\n' ? '\n' : ' ');
                    }
                } else if (c == '"' || c == '\'') {
                    out.append(' ');
                    i++;
                    while (i < s.length() && s.charAt(i) != c) {
                        if (s.charAt(i) == '\\') {
                            out.append(' ');
                            i++;
                        }
                        out.append(' ');
                        i++;
                    }
                    out.append(' ');
                    i++;
                } else {
                    out.append(c);
                    i++;
                }
            }
            return out.toString();
        }
    }
}
