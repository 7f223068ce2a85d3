package dev.nfe.pipeline.output;

/**
 * A small direct-mapped cache keyed by object identity: the decoder shares list instances
 * among hellos and certificate chains, so the JSON text of a list can be rendered once and
 * reused. A collision simply replaces the entry. One per thread.
 */
final class IdentityCache<K, V> {
    private final Object[] keys;
    private final Object[] values;
    private final int mask;

    IdentityCache(int sizePowerOfTwo) {
        if (Integer.bitCount(sizePowerOfTwo) != 1) {
            throw new IllegalArgumentException("size must be a power of two");
        }
        keys = new Object[sizePowerOfTwo];
        values = new Object[sizePowerOfTwo];
        mask = sizePowerOfTwo - 1;
    }

    @SuppressWarnings("unchecked")
    V get(K key) {
        int i = slot(key);
        return keys[i] == key ? (V) values[i] : null;
    }

    void put(K key, V value) {
        int i = slot(key);
        keys[i] = key;
        values[i] = value;
    }

    private int slot(Object key) {
        int h = System.identityHashCode(key);
        return (h ^ (h >>> 16)) & mask;
    }
}
