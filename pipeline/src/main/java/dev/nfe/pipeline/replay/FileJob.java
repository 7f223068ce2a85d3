package dev.nfe.pipeline.replay;

import dev.nfe.pipeline.output.RunSummary;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One capture file in flight: its shards (whose chunks the merger reads) and the reader's report. */
record FileJob(String capture, List<Shard> shards, CompletableFuture<Read> report) {

    /** What the reader saw: the report, and the latest frame time (the end of what was seen). */
    record Read(RunSummary.CaptureReport report, long endTsNanos) {
    }
}
