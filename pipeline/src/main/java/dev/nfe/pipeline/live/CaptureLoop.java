package dev.nfe.pipeline.live;

import dev.nfe.capture.FrameSink;
import dev.nfe.capture.live.LiveCaptureException;
import dev.nfe.capture.live.PcapCounters;
import dev.nfe.capture.live.LiveSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.locks.LockSupport;

/**
 * The capture thread of one interface: non-blocking reads ({@link LiveSource#dispatch}) in a loop, with a wait
 * of 50 µs growing to 5 ms while the interface stays quiet (the kernel ring holds what arrives
 * meanwhile), each frame onto the queue or, when it is full, onto the drop counter. It polls {@code pcap_stats} every
 * {@code statsPollNanos} so the loss counters that segments carry stay fresh.
 *
 * <p>Stopping: {@link #stop} clears the running flag and breaks the loop. The thread then reads
 * what is still in the kernel ring, takes the final {@code pcap_stats} and closes the handle, so
 * that the last counters balance exactly once the traffic has stopped.
 */
final class CaptureLoop implements Runnable, FrameSink {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureLoop.class);
    private static final long DRAIN_NANOS = 2_000_000_000L;
    private static final long MIN_WAIT_NANOS = 50_000L;
    private static final long MAX_WAIT_NANOS = 5_000_000L;

    private final int index;
    private final LiveSource iface;
    private final FrameQueue queue;
    private final SourceCounters counters;
    private final long statsPollNanos;
    private volatile boolean running = true;
    private volatile LiveCaptureException failure;

    CaptureLoop(int index, LiveSource iface, FrameQueue queue, SourceCounters counters, long statsPollNanos) {
        this.index = index;
        this.iface = iface;
        this.queue = queue;
        this.counters = counters;
        this.statsPollNanos = statsPollNanos;
    }

    @Override
    public void run() {
        try {
            long nextPoll = System.nanoTime();
            long idleWait = MIN_WAIT_NANOS;
            while (running) {
                if (iface.dispatch(this) > 0) {
                    idleWait = MIN_WAIT_NANOS;
                } else {
                    // nothing ready: wait, longer the longer it stays quiet (the ring holds the rest)
                    LockSupport.parkNanos(idleWait);
                    idleWait = Math.min(idleWait * 2, MAX_WAIT_NANOS);
                }
                long now = System.nanoTime();
                if (now - nextPoll >= 0) {
                    counters.pcap = iface.counters();
                    nextPoll = now + statsPollNanos;
                }
            }
            drain();
        } catch (LiveCaptureException e) {
            failure = e;
            LOG.error("{}", e.getMessage());
        } finally {
            iface.close();
        }
    }

    /**
     * What the kernel still holds, then the last counters. Reading until a read finds nothing is
     * not enough in block mode (a partly filled block is handed over only once the kernel retires
     * it): read until every packet the kernel counted and did not drop has been delivered, waiting
     * between empty reads, for at most {@code DRAIN_NANOS} (an interface that stays busy never
     * gets there). A break requested before this thread re-entered dispatch just
     * makes one read return -1.
     */
    private void drain() throws LiveCaptureException {
        long deadline = System.nanoTime() + DRAIN_NANOS;
        PcapCounters p = iface.counters();
        while (p.received() - p.dropped() > iface.frames() && System.nanoTime() - deadline < 0) {
            if (iface.dispatch(this) <= 0) {
                LockSupport.parkNanos(MAX_WAIT_NANOS);
            }
            p = iface.counters();
        }
        counters.pcap = p;
    }

    @Override
    public void frame(long number, long ts, int linkType, byte[] buf, int off, int capLen, int origLen) {
        counters.delivered++;
        // every reader hands each packet over as its own array (off is 0, capLen its length)
        if (!queue.offer(new CapturedFrame(index, number, ts, linkType, buf, origLen))) {
            counters.queueDropped++;
        }
    }

    /** Asks the thread to finish (any thread). */
    void stop() {
        running = false;
        iface.breakLoop();
    }

    /** The error that ended the capture, or null. */
    LiveCaptureException failure() {
        return failure;
    }

    String name() {
        return iface.name();
    }

    LiveSource iface() {
        return iface;
    }
}
