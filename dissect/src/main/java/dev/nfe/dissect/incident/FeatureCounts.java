package dev.nfe.dissect.incident;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How many hellos of a group had each feature, and how many hellos the group had. Bounded: at
 * most {@link #MAX_FEATURES} distinct features are counted (a group of very diverse hellos has no
 * common feature to report anyway); the rest are only counted as {@link #overflow}.
 */
final class FeatureCounts {
    static final int MAX_FEATURES = 4096;

    private final Map<Feature, long[]> counts = new HashMap<>();
    private long hellos;
    private long overflow;

    void add(List<Feature> features) {
        if (features == null) {
            return;
        }
        hellos++;
        // by index (observations hold immutable random-access lists): no iterator per hello
        for (int i = 0, size = features.size(); i < size; i++) {
            Feature f = features.get(i);
            long[] n = counts.get(f);
            if (n == null) {
                if (counts.size() >= MAX_FEATURES) {
                    overflow++;
                    continue;
                }
                n = new long[1];
                counts.put(f, n);
            }
            n[0]++;
        }
    }

    void addAll(FeatureCounts other) {
        hellos += other.hellos;
        overflow += other.overflow;
        for (Map.Entry<Feature, long[]> e : other.counts.entrySet()) {
            long[] n = counts.get(e.getKey());
            if (n == null) {
                if (counts.size() >= MAX_FEATURES) {
                    overflow += e.getValue()[0];
                    continue;
                }
                counts.put(e.getKey(), new long[] {e.getValue()[0]});
            } else {
                n[0] += e.getValue()[0];
            }
        }
    }

    void clear() {
        counts.clear();
        hellos = 0;
        overflow = 0;
    }

    long hellos() {
        return hellos;
    }

    long count(Feature f) {
        long[] n = counts.get(f);
        return n == null ? 0 : n[0];
    }

    Set<Feature> features() {
        return counts.keySet();
    }

    long overflow() {
        return overflow;
    }
}
