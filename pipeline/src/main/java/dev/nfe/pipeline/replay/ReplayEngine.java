package dev.nfe.pipeline.replay;

import dev.nfe.pipeline.Defaults;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSink;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.DecodeStats;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.dissect.incident.IncidentConfig;
import dev.nfe.dissect.incident.IncidentEngine;
import dev.nfe.dissect.flow.FlowKey;
import dev.nfe.pipeline.output.RenderedLines;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.pipeline.output.SinkSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Offline replay, in process: the calling thread reads and decodes frames and shards segments
 * by flow hash across worker threads (each owning a Dissector, as a Kafka partition will later);
 * a writer thread merges their output into one deterministic stream.
 */
public final class ReplayEngine {

    /** How a run ended: exit status (0 ok, 2 bad input, 3 damaged capture) and one line per problem. */
    public record Result(int exitCode, List<String> errors) {
    }

    private final ReplayOptions options;
    private final ProgressListener progress;

    public ReplayEngine(ReplayOptions options, ProgressListener progress) {
        this.options = options;
        this.progress = progress;
    }

    /** The problems with the inputs, before anything runs (see {@link CaptureInputs}). */
    public List<String> validate(List<String> captures) {
        return CaptureInputs.problems(options.opener(), captures);
    }

    public Result run(List<String> captures, ResultSink sink) throws InterruptedException {
        // Bouncy Castle's class initialisation (~30 ms) on a spare thread while the reader starts,
        // instead of inside the first Certificate message of every worker
        Thread warm = new Thread(dev.nfe.dissect.Dissector::warmUp, "nfe-warm-up");
        warm.setDaemon(true);
        warm.start();
        Failure failure = new Failure();
        BlockingQueue<FileJob> jobs = new ArrayBlockingQueue<>(2);
        // the writer thread feeds the engine; sinks hear each failure's incident there (evidence files)
        IncidentEngine incidents = new IncidentEngine(IncidentConfig.defaults()
                .withGap(options.incidentGapNanos(), options.incidentMinCount()), sink::joined);
        Merger merger = new Merger(jobs, sink, incidents, failure);
        Thread writer = new Thread(merger, "nfe-writer");
        writer.start();
        List<String> errors = new ArrayList<>();
        int exit = 0;
        try {
            for (String capture : captures) {
                if (failure.failed()) {
                    break;
                }
                String error = replayFile(capture, sink, jobs, failure);
                if (error != null) {
                    errors.add(error);
                    exit = Math.max(exit, 3);
                }
            }
            put(jobs, Merger.END, failure);
        } finally {
            while (writer.isAlive()) {
                writer.join(100);
                if (failure.failed()) {
                    writer.interrupt();
                }
            }
        }
        if (failure.failed()) {
            errors.add("internal error: " + failure.cause());
            return new Result(1, errors);
        }
        if (merger.internalErrors() > 0) {
            errors.add(merger.internalErrors() + " segment(s) hit an internal error and were skipped; first: "
                    + merger.firstInternalError());
        }
        return new Result(exit, errors);
    }

    /** Replays one file; returns its one-line error (damage) or null. */
    private String replayFile(String capture, ResultSink sink, BlockingQueue<FileJob> jobs, Failure failure)
            throws InterruptedException {
        List<Shard> shards = new ArrayList<>(options.workers());
        List<Thread> threads = new ArrayList<>(options.workers());
        for (int i = 0; i < options.workers(); i++) {
            boolean renderAhead = SinkSet.takesRenderedLines(sink);
            Shard s = new Shard(options.dissector().withCapture(capture), renderAhead,
                    renderAhead && ((RenderedLines) sink).wantsSessionLines(), options.queueDepth());
            shards.add(s);
            Thread t = new Thread(s, "nfe-shard-" + i);
            t.start();
            threads.add(t);
        }
        CompletableFuture<FileJob.Read> report = new CompletableFuture<>();
        put(jobs, new FileJob(capture, shards, report), failure);
        Dispatcher d = new Dispatcher(shards, failure);
        DecodeStats stats = new DecodeStats();
        long frames = 0;
        String error = null;
        FrameSource src = null;
        long maxTs = Long.MIN_VALUE;
        try {
            src = options.opener().open(Path.of(capture));
            // payloads stay views of the reader's buffers when the reader never rewrites them
            SegmentDecoder decoder = new SegmentDecoder(d, SegmentDecoder.DEFAULT_MAX_TUNNEL_DEPTH, stats,
                    src.stableBuffers());
            FrameCounter counter = new FrameCounter(decoder);
            try {
                long nextProgress = 0;
                while (src.next(counter)) {
                    if (counter.frames % options.watermarkFrames() == 0) {
                        d.watermark(counter.lastFrame, counter.maxTs);
                        if (failure.failed()) {
                            break;
                        }
                    }
                    if (counter.frames >= nextProgress) {
                        progress.progress(capture, src.position(), src.size(), counter.frames);
                        nextProgress = counter.frames + 65_536;
                    }
                }
            } finally {
                frames = counter.frames;
                maxTs = counter.maxTs;
            }
        } catch (CaptureDamagedException e) {
            error = CaptureInputs.damaged(capture, e);
        } catch (IOException e) {
            error = capture + ": read error after " + frames + " frames: " + e.getMessage();
        } finally {
            if (src != null) {
                try {
                    src.close();
                } catch (IOException e) {
                    error = error != null ? error : capture + ": " + e.getMessage();
                }
            }
            d.end(maxTs);
            for (Thread t : threads) {
                t.join();
            }
        }
        report.complete(new FileJob.Read(new RunSummary.CaptureReport(capture, stats.frames(), stats.tcpSegments(), 0, 0,
                stats.nonZeroSkipsAndFragments(), error), maxTs));
        return error;
    }

    static <T> void put(BlockingQueue<T> q, T item, Failure failure) throws InterruptedException {
        while (!q.offer(item, 50, TimeUnit.MILLISECONDS)) {
            if (failure.failed()) {
                throw new IllegalStateException("replay aborted", failure.cause());
            }
        }
    }

    /** Remembers the number and time of the last frame read, then decodes it. */
    private static final class FrameCounter implements FrameSink {
        private final FrameSink next;
        long frames;
        long lastFrame;
        /** Latest timestamp so far (captures are not always in time order): the shards' clock. */
        long maxTs = Long.MIN_VALUE;

        FrameCounter(FrameSink next) {
            this.next = next;
        }

        @Override
        public void frame(long number, long ts, int linkType, byte[] buf, int off, int capLen, int origLen) {
            frames++;
            lastFrame = number;
            if (ts > maxTs) {
                maxTs = ts;
            }
            next.frame(number, ts, linkType, buf, off, capLen, origLen);
        }
    }

    /** Shards segments by flow hash into batches; watermarks and the end go to every shard. */
    private final class Dispatcher implements dev.nfe.capture.SegmentSink {
        private final List<Shard> shards;
        private final Batch[] current;
        private final Failure failure;

        Dispatcher(List<Shard> shards, Failure failure) {
            this.shards = shards;
            this.failure = failure;
            this.current = new Batch[shards.size()];
            for (int i = 0; i < current.length; i++) {
                current[i] = new Batch(options.batchSize());
            }
        }

        @Override
        public void segment(TcpSegment s) {
            int i = shards.size() == 1 ? 0 : Math.floorMod(FlowKey.shardHash(s.src(), s.dst()), shards.size());
            Batch b = current[i];
            b.segments[b.size++] = s;
            if (b.full()) {
                send(i);
            }
        }

        void watermark(long frame, long ts) throws InterruptedException {
            for (int i = 0; i < current.length; i++) {
                current[i].watermarkFrame = frame;
                current[i].watermarkTs = ts;
                sendChecked(i);
            }
        }

        void end(long ts) throws InterruptedException {
            for (int i = 0; i < current.length; i++) {
                current[i].end = true;
                current[i].watermarkTs = ts;
                sendChecked(i);
            }
        }

        private void send(int i) {
            try {
                sendChecked(i);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.fail(e);
            }
        }

        private void sendChecked(int i) throws InterruptedException {
            put(shards.get(i).in, current[i], failure);
            current[i] = new Batch(options.batchSize());
        }
    }
}
