package dev.nfe.pipeline.replay;

import dev.nfe.pipeline.output.RunSummary;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One capture file in flight: its shards (whose chunks the merger reads) and the reader's report. */
record FileJob(String capture, List<Shard> shards, CompletableFuture<RunSummary.CaptureReport> report) {
}
