package dev.nfe.dissect.incident;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One shared instance per distinct {@link Feature}. Hellos repeat their features (a client stack
 * offers the same suites and extensions on every connection), so observations that share
 * instances hold ~50 references each instead of ~50 objects and ~100 strings, and
 * {@link FeatureCounts} finds them by identity. A cache: bounded, the least recently used entry
 * goes first, and a feature it no longer holds is only stored twice, never miscounted
 * ({@link Feature#equals} compares names and values).
 *
 * <p>Not thread-safe: one per decoding thread.
 */
public final class FeatureInterner {
    private final Map<Feature, Feature> shared;

    public FeatureInterner(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.shared = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Feature, Feature> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The shared instance equal to {@code f} ({@code f} itself the first time). */
    public Feature intern(Feature f) {
        Feature x = shared.get(f);
        if (x != null) {
            return x;
        }
        shared.put(f, f);
        return f;
    }
}
