package dev.nfe.pipeline.live;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded buffer between the capture threads and the processing thread, capped both in frames
 * and in bytes. Capture threads never wait on it: {@link #offer} says no when it is full and the
 * caller counts the drop. That keeps the kernel ring draining while Kafka is away or the
 * dissector is behind, and makes every loss visible as a number.
 */
final class FrameQueue {
    private final ArrayBlockingQueue<CapturedFrame> frames;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();

    FrameQueue(int maxFrames, long maxBytes) {
        if (maxFrames < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("queue caps must be positive");
        }
        this.frames = new ArrayBlockingQueue<>(maxFrames);
        this.maxBytes = maxBytes;
    }

    /** Queues the frame, or returns false (and keeps nothing) when either cap is reached. */
    boolean offer(CapturedFrame f) {
        long cost = f.cost();
        if (bytes.addAndGet(cost) > maxBytes) {
            bytes.addAndGet(-cost);
            return false;
        }
        if (!frames.offer(f)) {
            bytes.addAndGet(-cost);
            return false;
        }
        return true;
    }

    /**
     * Moves up to {@code max} waiting frames into {@code into}, without waiting. The processing
     * thread polls like this and sleeps when nothing is there, instead of waiting on the queue:
     * a waiting consumer makes every {@link #offer} wake it, a system call per packet on the
     * capture thread, which has to keep up with the kernel ring.
     *
     * @return how many were moved
     */
    int drainTo(List<CapturedFrame> into, int max) {
        int start = into.size();
        int n = frames.drainTo(into, max);
        long cost = 0;
        for (int i = start; i < start + n; i++) {
            cost += into.get(i).cost();
        }
        bytes.addAndGet(-cost);
        return n;
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }

    int size() {
        return frames.size();
    }

    long bytes() {
        return bytes.get();
    }
}
