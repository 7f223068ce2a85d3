package dev.nfe.pipeline.output;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Differences between the expected and the written JSON, each with its path
 * ({@code client_hello.cipher_suites[3]}). Types must match exactly (a string "5" is not the
 * number 5, a missing member is not null); integers compare by value; the contract's decimals
 * (failed_share, period_s, jitter_s) are fixed point, so they compare by their decimal text.
 * Member order matters only in the maps whose order is data (most frequent or busiest first).
 */
final class JsonDiff {
    /** Objects whose keys are data, kept in the domain map's order. */
    private static final Set<String> ORDERED = Set.of("hello_formats", "snis", "rst_by", "outcomes", "servers",
            "skipped", "counters");

    private JsonDiff() {
    }

    static List<String> diff(JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        walk("", expected, actual, false, out);
        return out;
    }

    private static void walk(String path, JsonNode want, JsonNode got, boolean ordered, List<String> out) {
        String at = path.isEmpty() ? "(top)" : path;
        if (got == null || got.isMissingNode()) {
            out.add(at + ": missing, want " + want);
            return;
        }
        if (want.isNull() || got.isNull()) {
            if (want.isNull() != got.isNull()) {
                out.add(at + ": want " + want + ", got " + got);
            }
            return;
        }
        if (want.isNumber() && want.isIntegralNumber()) {
            if (!got.isIntegralNumber() || got.longValue() != want.longValue()) {
                out.add(at + ": want the integer " + want + ", got " + got);
            }
            return;
        }
        if (want.isNumber()) {
            if (!got.isNumber() || got.isIntegralNumber() || got.decimalValue().compareTo(want.decimalValue()) != 0) {
                out.add(at + ": want the decimal " + want + ", got " + got);
            }
            return;
        }
        if (want.getNodeType() != got.getNodeType()) {
            out.add(at + ": want " + want.getNodeType() + " " + want + ", got " + got.getNodeType() + " " + got);
            return;
        }
        if (want.isArray()) {
            if (want.size() != got.size()) {
                out.add(at + ": want " + want.size() + " elements " + want + ", got " + got.size() + " " + got);
                return;
            }
            for (int i = 0; i < want.size(); i++) {
                walk(path + "[" + i + "]", want.get(i), got.get(i), false, out);
            }
            return;
        }
        if (want.isObject()) {
            List<String> wantKeys = keys(want);
            List<String> gotKeys = keys(got);
            Set<String> extra = new TreeSet<>(gotKeys);
            extra.removeAll(wantKeys);
            if (!extra.isEmpty()) {
                out.add(at + ": members not in the contract: " + extra);
            }
            if (ordered && new TreeSet<>(wantKeys).equals(new TreeSet<>(gotKeys)) && !wantKeys.equals(gotKeys)) {
                out.add(at + ": keys out of order: want " + wantKeys + ", got " + gotKeys);
            }
            String prefix = path.isEmpty() ? "" : path + ".";
            for (String k : wantKeys) {
                String leaf = path.isEmpty() ? k : path.substring(path.lastIndexOf('.') + 1);
                walk(prefix + k, want.get(k), got.get(k), ORDERED.contains(k) || (ordered && ORDERED.contains(leaf)),
                        out);
            }
            return;
        }
        if (!want.equals(got)) {
            out.add(at + ": want " + want + ", got " + got);
        }
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
