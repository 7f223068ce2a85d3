package dev.nfe.pipeline.replay;

import dev.nfe.capture.TcpSegment;
import dev.nfe.dissect.Dissector;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.DissectorOutput;
import dev.nfe.dissect.DissectorStats;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.output.JsonRenderer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One worker thread owning one {@link Dissector}: the flows whose key hashes to it. Nothing is
 * shared with other shards; batches come in, one chunk per watermark goes out.
 */
final class Shard implements Runnable, DissectorOutput {
    private final DissectorConfig config;
    /** Made on the shard's own thread (see {@link #run}). */
    private Dissector dissector;
    private final JsonRenderer renderer;
    final BlockingQueue<Batch> in;
    final BlockingQueue<Chunk> out;
    /** Runs of JSON lines the merger has written out, for this shard's next runs (bounded: extras are dropped). */
    final BlockingQueue<byte[]> spareRuns = new ArrayBlockingQueue<>(2);
    private List<Emitted> pending = new ArrayList<>();
    private long emitFrame;
    private long internalErrors;
    private String firstError;

    private final boolean renderSessions;

    Shard(DissectorConfig config, boolean renderJson, boolean renderSessions, int queueDepth) {
        this.config = config;
        this.renderer = renderJson ? new JsonRenderer() : null;
        this.renderSessions = renderSessions;
        this.in = new ArrayBlockingQueue<>(queueDepth);
        this.out = new ArrayBlockingQueue<>(queueDepth);
    }

    @Override
    public void run() {
        try {
            // here, not in the constructor: the first dissector pays for the JDK's security providers
            // (its digests), which the reader need not wait for before it starts on the capture
            dissector = new Dissector(config, this);
            while (true) {
                Batch b = in.take();
                for (int i = 0; i < b.size; i++) {
                    TcpSegment s = b.segments[i];
                    emitFrame = s.frame();
                    try {
                        dissector.segment(s);
                    } catch (RuntimeException e) {
                        // A bug must not sink a long replay: count it, name the frame, go on.
                        internalErrors++;
                        if (firstError == null) {
                            firstError = "frame " + s.frame() + ": " + e;
                        }
                    }
                }
                boolean end = b.end;
                boolean watermark = b.hasWatermark();
                long wmFrame = b.watermarkFrame;
                long wmTs = b.watermarkTs;
                if (end) {
                    emitFrame = Long.MAX_VALUE;
                    dissector.finish(wmTs);
                    out.put(new Chunk(takePending(), true, dissector.stats(), internalErrors, firstError, null));
                    return;
                }
                if (watermark) {
                    emitFrame = wmFrame;
                    dissector.advanceTo(wmTs);
                    out.put(new Chunk(takePending(), false, null, 0, null, null));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            out.offer(new Chunk(List.of(), true, dissector == null ? DissectorStats.zero() : dissector.stats(),
                    internalErrors, firstError, t));
        }
    }

    /** The interval's records, their JSON run attached (one array for all of them). */
    private List<Emitted> takePending() {
        List<Emitted> p = pending;
        pending = new ArrayList<>();
        if (renderer != null && !p.isEmpty()) {
            byte[] run = renderer.takeRun(spareRuns.poll());
            for (int i = 0; i < p.size(); i++) {
                Emitted e = p.get(i);
                p.set(i, new Emitted(e.emitFrame(), e.firstFrame(), e.session(), e.finding(), run, e.sessionOff(),
                        e.sessionLen(), e.findingOff(), e.findingLen()));
            }
        }
        return p;
    }

    @Override
    public void session(SessionRecord s) {
        int off = 0;
        int len = 0;
        if (renderer != null && renderSessions) {
            off = renderer.appendSession(s);
            len = renderer.runLength() - off;
        }
        pending.add(new Emitted(emitFrame, s.firstFrame(), s, null, null, off, len, 0, 0));
    }

    @Override
    public void finding(Finding f) {
        // a finding always follows its session immediately (DissectorOutput contract)
        Emitted last = pending.get(pending.size() - 1);
        int off = 0;
        int len = 0;
        if (renderer != null) {
            off = renderer.appendFinding(f);
            len = renderer.runLength() - off;
        }
        pending.set(pending.size() - 1, new Emitted(last.emitFrame(), last.firstFrame(), last.session(), f, null,
                last.sessionOff(), last.sessionLen(), off, len));
    }
}
