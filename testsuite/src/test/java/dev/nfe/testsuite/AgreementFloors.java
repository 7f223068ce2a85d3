package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-field floors for the corpus agreement (corpus-agreement-floors.tsv beside the tests, whose
 * header says how to update it). The overall rate alone hides a field that falls to zero: the 57
 * rst.by checks are 0.3% of 20,432, so losing all of them still leaves 99.5%. Each field here
 * must keep at least its agreed count and at most its disagreement count.
 */
final class AgreementFloors {
    static final String RESOURCE = "corpus-agreement-floors.tsv";

    /** One line of the file: what the scorer counted for a field when the floor was set. */
    record Floor(String field, long checks, long agreed) {
        Floor {
            if (checks < 1 || agreed < 0 || agreed > checks) {
                throw new IllegalArgumentException("floor of " + field + ": " + agreed + " agreed of " + checks + " checks");
            }
        }

        long disagreements() {
            return checks - agreed;
        }
    }

    private final Map<String, Floor> floors;

    private AgreementFloors(Map<String, Floor> floors) {
        this.floors = floors;
    }

    /** The floors shipped with the tests. */
    static AgreementFloors load() {
        try (InputStream in = AgreementFloors.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines of {@code field TAB checks TAB agreed}; '#' starts a comment line. */
    static AgreementFloors parse(String text) {
        Map<String, Floor> out = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 3) {
                throw new IllegalArgumentException(RESOURCE + " line " + (i + 1) + ": want field<TAB>checks<TAB>agreed, got "
                        + line);
            }
            Floor floor;
            try {
                floor = new Floor(f[0], Long.parseLong(f[1].trim()), Long.parseLong(f[2].trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(RESOURCE + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
            if (out.put(floor.field(), floor) != null) {
                throw new IllegalArgumentException(RESOURCE + " line " + (i + 1) + ": " + floor.field() + " twice");
            }
        }
        return new AgreementFloors(out);
    }

    Map<String, Floor> floors() {
        return floors;
    }

    /**
     * Every way the score falls short, one line per field that names it; empty when every field
     * holds its floor. {@code agree} and {@code total} are score-corpus's JSON counts (a field
     * with no agreement is absent from {@code agree}).
     */
    List<String> violations(JsonNode agree, JsonNode total) {
        List<String> out = new ArrayList<>();
        for (Floor f : floors.values()) {
            long checks = total.path(f.field()).asLong(0);
            long agreed = agree.path(f.field()).asLong(0);
            long disagreed = checks - agreed;
            String now = agreed + "/" + checks;
            String was = f.agreed() + "/" + f.checks();
            if (checks == 0) {
                out.add(f.field() + ": no checks at all (floor " + was + ")");
            } else if (agreed < f.agreed()) {
                out.add(f.field() + ": " + now + " agree, below the floor of " + f.agreed() + " (" + was + ")");
            } else if (disagreed > f.disagreements()) {
                out.add(f.field() + ": " + disagreed + " disagreements (" + now + "), the floor allows "
                        + f.disagreements() + " (" + was + ")");
            }
        }
        for (Iterator<String> it = total.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!floors.containsKey(field)) {
                out.add(field + ": the scorer checks it (" + agree.path(field).asLong(0) + "/" + total.path(field).asLong()
                        + ") but " + RESOURCE + " has no floor for it");
            }
        }
        return out;
    }

    /** Fields now above their floor: the floor may be raised (see the file's header). */
    List<String> raisable(JsonNode agree, JsonNode total) {
        List<String> out = new ArrayList<>();
        for (Floor f : floors.values()) {
            long checks = total.path(f.field()).asLong(0);
            long agreed = agree.path(f.field()).asLong(0);
            if (agreed > f.agreed() || (checks > 0 && checks - agreed < f.disagreements())) {
                out.add(f.field() + ": " + agreed + "/" + checks + " (floor " + f.agreed() + "/" + f.checks() + ")");
            }
        }
        return out;
    }
}
