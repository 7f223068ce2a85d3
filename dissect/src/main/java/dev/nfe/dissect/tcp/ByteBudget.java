package dev.nfe.dissect.tcp;

/**
 * A dissector-wide cap on bytes held for out-of-order delivery, so that many flows with holes
 * cannot add up to an OutOfMemoryError. Owned by one dissector (one thread); not thread-safe.
 */
public final class ByteBudget {
    private final long capacity;
    private long used;
    private long refusals;

    public ByteBudget(long capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity < 0");
        }
        this.capacity = capacity;
    }

    /** Reserves {@code n} bytes; false (and counted) when that would exceed the capacity. */
    public boolean tryReserve(int n) {
        if (used + n > capacity) {
            refusals++;
            return false;
        }
        used += n;
        return true;
    }

    public void release(int n) {
        used -= n;
    }

    public long used() {
        return used;
    }

    public long refusals() {
        return refusals;
    }
}
