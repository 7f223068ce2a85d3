package dev.nfe.pipeline.replay;

import dev.nfe.dissect.DissectorStats;

import java.util.List;

/**
 * What a shard produced between two watermarks (or until the end). Every shard sends exactly one
 * chunk per watermark, so the merger can walk all shards in lockstep.
 */
record Chunk(List<Emitted> items, boolean last, DissectorStats stats, long internalErrors, String firstError,
             Throwable failure) {
}
