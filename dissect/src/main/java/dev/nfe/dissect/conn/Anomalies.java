package dev.nfe.dissect.conn;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The named oddities of one connection, each once, in the order first seen; capped. */
final class Anomalies {
    private static final int MAX = 32;

    private final Set<String> names = new LinkedHashSet<>();

    void add(String name) {
        if (names.size() < MAX) {
            names.add(name);
        }
    }

    List<String> list() {
        return List.copyOf(names);
    }
}
