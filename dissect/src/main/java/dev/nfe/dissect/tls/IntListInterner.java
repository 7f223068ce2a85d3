package dev.nfe.dissect.tls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares one immutable list among all hellos that carry the same vector (cipher suites,
 * extension types, groups, signature algorithms ...). A client stack sends the same vectors on
 * every connection, so after the first hello the lists cost one lookup by their raw bytes, no
 * boxing, no allocation; and code downstream can cache by list identity (fingerprints, JSON).
 *
 * <p>Bounded (LRU). One per {@link TlsContext}, so one thread; not thread-safe.
 */
final class IntListInterner {
    private final int capacity;
    private final Map<Object, List<Integer>> byRaw;
    private final Map<List<Integer>, List<Integer>> byContent;
    /** Reused for lookups so that a hit allocates nothing. */
    private final Probe probe = new Probe();

    IntListInterner(int capacity) {
        this.capacity = capacity;
        this.byRaw = lru();
        this.byContent = lru();
    }

    private <K> Map<K, List<Integer>> lru() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, List<Integer>> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * The {@code width}-byte big-endian integers in {@code b[off, off+len)} as a shared list (a
     * trailing partial integer is ignored, as {@link Extensions#readInts} does). Lists longer
     * than {@code cap} are cut and reported, and not shared.
     */
    List<Integer> ofRaw(byte[] b, int off, int len, int width, int cap, Issues issues) {
        if (len / width > cap) {
            List<Integer> out = new ArrayList<>(cap);
            Extensions.readInts(new Cursor(b, off, len), width, cap, out, issues);
            return out;
        }
        probe.set(b, off, len, width);
        List<Integer> hit = byRaw.get(probe);
        if (hit != null) {
            return hit;
        }
        Integer[] values = new Integer[len / width];
        for (int i = 0, p = off; i < values.length; i++, p += width) {
            int x = b[p] & 0xff;
            for (int k = 1; k < width; k++) {
                x = (x << 8) | (b[p + k] & 0xff);
            }
            values[i] = x;
        }
        List<Integer> list = List.of(values);
        byRaw.put(new RawKey(java.util.Arrays.copyOfRange(b, off, off + len), width, probe.hash), list);
        return list;
    }

    /** The shared instance of a list built elsewhere (e.g. extension types, gathered one by one). */
    List<Integer> intern(List<Integer> built) {
        List<Integer> hit = byContent.get(built);
        if (hit != null) {
            return hit;
        }
        List<Integer> list = List.copyOf(built);
        byContent.put(list, list);
        return list;
    }

    /** Stored key: a copy of the raw bytes. */
    private record RawKey(byte[] bytes, int width, int hash) {
        @Override
        public boolean equals(Object o) {
            if (o instanceof Probe p) {
                return p.matches(bytes, width);
            }
            return o instanceof RawKey k && k.width == width && java.util.Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** Lookup key over the caller's buffer; never stored. */
    private static final class Probe {
        byte[] b;
        int off;
        int len;
        int width;
        int hash;

        void set(byte[] b, int off, int len, int width) {
            this.b = b;
            this.off = off;
            this.len = len;
            this.width = width;
            int h = width;
            for (int i = off, end = off + len; i < end; i++) {
                h = 31 * h + b[i];
            }
            this.hash = h;
        }

        boolean matches(byte[] other, int otherWidth) {
            return otherWidth == width && java.util.Arrays.equals(b, off, off + len, other, 0, other.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RawKey k && matches(k.bytes(), k.width());
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
