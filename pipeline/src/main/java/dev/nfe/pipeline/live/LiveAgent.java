package dev.nfe.pipeline.live;

import dev.nfe.capture.decode.DecodeStats;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.live.LiveCaptureException;
import dev.nfe.capture.live.PcapCounters;
import dev.nfe.capture.live.LiveSource;
import dev.nfe.capture.pcap4j.LiveSources;
import dev.nfe.pipeline.evidence.FrameStore;
import dev.nfe.pipeline.output.CaptureStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code nfe agent --interface IF...}: a capture thread per interface, one processing thread (the
 * caller of {@link #run}) that decodes frames and feeds the {@link LiveOutput}, advances event
 * time about every second, and writes the counters every stats interval. {@link #stop} (from a
 * signal handler) ends the captures; the run then drains the kernel rings and the queue, finalises
 * every open flow, settles the output and writes the last counters, which balance exactly:
 * {@code received = processed + kernel drops + queue drops} per interface.
 */
public final class LiveAgent {
    private static final Logger LOG = LoggerFactory.getLogger(LiveAgent.class);
    private static final long STATS_POLL_NANOS = 100_000_000L;
    private static final int BATCH = 1024;
    private static final long MIN_WAIT_NANOS = 50_000L;
    private static final long MAX_WAIT_NANOS = 1_000_000L;

    private final LiveAgentOptions options;
    private final LiveOutput output;
    private final FrameQueue queue;
    private final List<CaptureLoop> loops = new ArrayList<>();
    private final List<SourceCounters> counters = new ArrayList<>();
    private final List<DecodeStats> decoded = new ArrayList<>();
    private final List<SegmentDecoder> decoders = new ArrayList<>();
    private final long[] clocks;
    private final List<Thread> threads = new ArrayList<>();
    /** {@code --evidence}: recent frames per open connection; null without it (then frames cost nothing more). */
    private final FrameStore evidence;
    private CapturedFrame currentFrame;
    private volatile boolean stopping;
    private volatile Thread watchdog;
    private int currentSource;
    private long currentLoss;
    private IOException outputFailure;

    /**
     * Opens every interface (nothing is captured yet); if one cannot be opened, the ones already
     * open are closed and the error names it.
     */
    public LiveAgent(LiveAgentOptions options, LiveOutput output) throws LiveCaptureException {
        this(options, output, null);
    }

    /** With {@code evidence} (may be null): every TCP frame also goes to that store, as captured. */
    public LiveAgent(LiveAgentOptions options, LiveOutput output, FrameStore evidence) throws LiveCaptureException {
        this.options = options;
        this.output = output;
        this.evidence = evidence;
        this.queue = new FrameQueue(options.queueFrames(), options.queueBytes());
        this.clocks = new long[options.interfaces().size()];
        try {
            for (int i = 0; i < options.interfaces().size(); i++) {
                LiveSource iface = LiveSources.open(options.interfaces().get(i), options.capture());
                SourceCounters c = new SourceCounters(options.source(i));
                counters.add(c);
                loops.add(new CaptureLoop(i, iface, queue, c, STATS_POLL_NANOS));
                DecodeStats stats = new DecodeStats();
                decoded.add(stats);
                if (evidence != null) {
                    evidence.source(i, iface.nanosecondTimestamps());
                }
                // every reader gives each frame its own array: payloads may be views of it
                decoders.add(new SegmentDecoder(this::segment, SegmentDecoder.DEFAULT_MAX_TUNNEL_DEPTH, stats, true));
                LOG.info("capturing on {} (link type {}, {} timestamps, {}, filter '{}')", iface.name(),
                        iface.linkType(), iface.nanosecondTimestamps() ? "nanosecond" : "microsecond",
                        iface.describe(), iface.filter());
                if (!iface.settledAtStart()) {
                    LOG.warn("{}: traffic did not pause during the first 2 s, so counting started with a partly"
                            + " filled ring block: the first counters may be off by that block's packets", iface.name());
                }
            }
        } catch (LiveCaptureException e) {
            loops.forEach(l -> l.iface().close());
            throw e;
        }
    }

    /** Captures until {@link #stop}, then drains and finishes; runs on the caller's thread. */
    public LiveReport run() throws IOException, InterruptedException {
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            sources.add(options.source(i));
        }
        output.open(sources);
        for (CaptureLoop l : loops) {
            Thread t = new Thread(l, "nfe-capture-" + l.name());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long nextTick = System.nanoTime() + options.tickNanos();
        long nextStats = System.nanoTime() + options.statsIntervalNanos();
        List<CapturedFrame> batch = new ArrayList<>(BATCH);
        long idleWait = MIN_WAIT_NANOS;
        while (true) {
            batch.clear();
            if (queue.drainTo(batch, BATCH) > 0) {
                for (CapturedFrame f : batch) {
                    process(f);
                }
                idleWait = MIN_WAIT_NANOS;
            } else if (stopping && capturesEnded() && queue.isEmpty()) {
                break;
            } else {
                // sleep rather than wait on the queue: see FrameQueue.drainTo
                LockSupport.parkNanos(idleWait);
                idleWait = Math.min(idleWait * 2, MAX_WAIT_NANOS);
            }
            long now = System.nanoTime();
            if (now - nextTick >= 0) {
                tick();
                nextTick = now + options.tickNanos();
            }
            if (now - nextStats >= 0) {
                stats(false);
                nextStats = now + options.statsIntervalNanos();
            }
        }
        return finish();
    }

    private void process(CapturedFrame f) throws IOException {
        SourceCounters c = counters.get(f.source());
        currentSource = f.source();
        currentLoss = c.captureLoss();
        currentFrame = f;
        decoders.get(f.source()).frame(f.number(), f.tsNanos(), f.linkType(), f.data(), 0, f.data().length,
                f.originalLength());
        if (outputFailure != null) {
            throw outputFailure;
        }
        c.processed++;
        c.bytes += f.originalLength();
        if (f.tsNanos() > c.lastTsNanos) {
            c.lastTsNanos = f.tsNanos();
        }
    }

    private void segment(dev.nfe.capture.TcpSegment s) {
        counters.get(currentSource).segments++;
        if (evidence != null) {
            // before the dissector: the frame that ends a connection must be with it when it is finalised
            CapturedFrame f = currentFrame;
            evidence.frame(currentSource, f.number(), f.tsNanos(), f.linkType(), f.data(), f.originalLength(), s);
        }
        try {
            output.segment(currentSource, s, currentLoss);
        } catch (IOException e) {
            if (outputFailure == null) {
                outputFailure = e;
            }
        }
    }

    /**
     * Event time of each interface: its latest frame, or, when the queue is empty (nothing older
     * is waiting here), the wall clock minus the lag that frames may still spend in the kernel.
     */
    private void tick() throws IOException {
        boolean idle = queue.isEmpty();
        long wall = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < clocks.length; i++) {
            long clock = Math.max(clocks[i], counters.get(i).lastTsNanos);
            if (idle) {
                clock = Math.max(clock, wall - options.clockLagNanos());
            }
            clocks[i] = clock;
            output.tick(i, clock, decoded.get(i));
        }
        if (evidence != null) {
            long latest = 0;
            for (long c : clocks) {
                latest = Math.max(latest, c);
            }
            evidence.advanceTo(latest);
        }
    }

    private boolean capturesEnded() {
        for (Thread t : threads) {
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    private void stats(boolean last) throws IOException {
        long wall = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < counters.size(); i++) {
            publish(i, snapshot(i, wall, last));
        }
        if (evidence != null) {
            LOG.info(evidenceLine(evidence.stats()));
        }
    }

    static String evidenceLine(FrameStore.Stats e) {
        return String.format(Locale.ROOT, "evidence frames: %,d connections open, %,d of %,d bytes held; %,d frames"
                        + " stored, %,d left out (middle of long connections); dropped for memory: %,d connections"
                        + " (%,d frames), %,d frames refused; %,d connections never reported", e.connections(),
                e.bytes(), e.maxBytes(), e.framesStored(), e.framesLeftOut(), e.connectionsEvicted(), e.framesEvicted(),
                e.framesRefused(), e.connectionsExpired());
    }

    private void publish(int source, CaptureStats s) throws IOException {
        output.stats(source, s);
        LOG.info(line(s));
    }

    private CaptureStats snapshot(int i, long wall, boolean last) {
        SourceCounters c = counters.get(i);
        PcapCounters p = c.pcap;
        return new CaptureStats(c.source, wall, c.lastTsNanos, last, c.processed, c.segments, p.received(),
                p.dropped(), p.ifDropped(), c.queueDropped, output.dropped(i));
    }

    static String line(CaptureStats s) {
        return String.format(Locale.ROOT, "%s%s: received %,d, processed %,d, %,d segments; dropped: kernel %,d,"
                        + " interface %,d, queue %,d, kafka %,d", s.source(), s.last() ? " (final)" : "",
                s.pcapReceived(), s.processed(), s.segments(), s.pcapDropped(), s.pcapIfDropped(), s.queueDropped(),
                s.kafkaDropped());
    }

    private LiveReport finish() throws IOException {
        long wall = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < clocks.length; i++) {
            long end = Math.max(clocks[i], counters.get(i).lastTsNanos);
            output.finish(i, end, decoded.get(i));
        }
        output.settle();
        List<CaptureStats> last = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < counters.size(); i++) {
            CaptureStats s = snapshot(i, wall, true);
            last.add(s);
            publish(i, s);
            if (!s.balanced()) {
                // should not happen: something was counted twice or not at all
                LOG.warn("{}: counters do not balance: received {} != processed {} + kernel {} + queue {}",
                        s.source(), s.pcapReceived(), s.processed(), s.pcapDropped(), s.queueDropped());
            }
            LiveCaptureException e = loops.get(i).failure();
            if (e != null) {
                errors.add(e.getMessage());
            }
        }
        if (evidence != null) {
            LOG.info(evidenceLine(evidence.stats()));
        }
        Thread w = watchdog;
        if (w != null) {
            w.interrupt();
        }
        output.close();
        return new LiveReport(errors.isEmpty() ? 0 : 3, last, errors);
    }

    /**
     * Ends the run (any thread, e.g. a signal handler): the captures stop and drain; if the
     * output has not settled {@code drainTimeout} later, it is told to give up.
     */
    public void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        loops.forEach(CaptureLoop::stop);
        Thread w = new Thread(() -> {
            try {
                Thread.sleep(options.drainTimeoutNanos() / 1_000_000L);
                LOG.warn("the output did not settle within the drain timeout; giving up on what is left");
                output.abort();
            } catch (InterruptedException e) {
                // the run finished in time
            }
        }, "nfe-drain-watchdog");
        w.setDaemon(true);
        watchdog = w;
        w.start();
    }

    /** Current counters of every interface (any thread: metrics, tests). */
    public List<CaptureStats> snapshot() {
        long wall = System.currentTimeMillis() * 1_000_000L;
        List<CaptureStats> out = new ArrayList<>();
        for (int i = 0; i < counters.size(); i++) {
            out.add(snapshot(i, wall, false));
        }
        return out;
    }

    /** The evidence frame store, or null without {@code --evidence}. */
    public FrameStore evidence() {
        return evidence;
    }

    int sources() {
        return counters.size();
    }

    SourceCounters counters(int i) {
        return counters.get(i);
    }

    String interfaceName(int i) {
        return options.interfaces().get(i);
    }

    /** Frames waiting between capture and processing (any thread). */
    public int queued() {
        return queue.size();
    }
}
