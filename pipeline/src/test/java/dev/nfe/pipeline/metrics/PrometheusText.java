package dev.nfe.pipeline.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A strict reader of the Prometheus text format 0.0.4, written from the format's description
 * (not from the library that writes it): {@code # HELP name text}, {@code # TYPE name kind}, and
 * samples {@code name{label="value",...} value [timestamp]} with {@code \\}, {@code \"} and
 * {@code \n} escapes in label values. A line it does not understand fails the test.
 */
record PrometheusText(List<Sample> samples, Map<String, String> types, Map<String, String> help) {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        Map<String, String> help = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] f = line.substring(7).split(" ", 2);
                types.put(f[0], f[1]);
            } else if (line.startsWith("# HELP ")) {
                String[] f = line.substring(7).split(" ", 2);
                help.put(f[0], f.length > 1 ? f[1] : "");
            } else if (line.startsWith("#")) {
                continue; // a comment
            } else {
                samples.add(sample(line));
            }
        }
        return new PrometheusText(samples, types, help);
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && isNameChar(line.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0) {
            throw new AssertionError("no metric name: " + line);
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf("=\"", i);
                if (eq < 0) {
                    throw new AssertionError("bad label in: " + line);
                }
                String key = line.substring(i, eq);
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char e = line.charAt(++j);
                        v.append(e == 'n' ? '\n' : e);
                    } else {
                        v.append(c);
                    }
                }
                labels.put(key, v.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new AssertionError("bad sample: " + line);
        }
        return new Sample(name, labels, value(rest[0]));
    }

    private static boolean isNameChar(char c, boolean first) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || !first && c >= '0' && c <= '9';
    }

    private static double value(String s) {
        switch (s) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                return Double.parseDouble(s);
        }
    }

    /** Samples of this name whose labels include all of {@code labels} (key, value, ...). */
    List<Sample> find(String name, String... labels) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && matches(s.labels(), labels)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The one sample of this name with these labels. */
    double value(String name, String... labels) {
        List<Sample> found = find(name, labels);
        if (found.size() != 1) {
            throw new AssertionError("expected one sample " + name + " " + List.of(labels) + ", found " + found);
        }
        return found.get(0).value();
    }

    private static boolean matches(Map<String, String> have, String[] want) {
        for (int k = 0; k + 1 < want.length; k += 2) {
            if (!want[k + 1].equals(have.get(want[k]))) {
                return false;
            }
        }
        return true;
    }
}
