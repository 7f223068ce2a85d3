package dev.nfe.capture.decode;

import dev.nfe.capture.SegmentSink;

/**
 * Scratch state for the frame being decoded, reused for every frame (no per-frame allocation).
 * Each IP header overwrites the address fields, so after a tunnel they describe the innermost one.
 *
 * <p>Layer methods take {@code (off, cap, wire)}: the offset of their header in {@link #buf}, the
 * end of the captured bytes and the end of the bytes that were on the wire (both absolute indexes
 * into {@link #buf}; {@code cap <= wire}). Each length field met on the way down can only shrink
 * {@code wire}, which trims Ethernet padding and trailers; {@code cap < wire} at the TCP header
 * means the snap length cut the segment. Layer methods return null when a segment was delivered,
 * else the reason the frame was skipped.
 */
final class DecodeContext {
    final SegmentSink sink;
    final int maxTunnelDepth;
    /** Payloads are views of the frame buffer instead of copies (the source's buffers are stable). */
    final boolean shareFrameBuffers;
    /** This decoder's IP fragment state: per input, never shared. */
    final FragmentReassembler fragments;
    /** Recent segments' endpoints, shared (see {@link Endpoints}). */
    final Endpoints endpoints = new Endpoints();

    byte[] buf;
    /** {@link #buf} is a rebuilt datagram's own array, not the reader's: payloads may be views of it. */
    boolean bufferOwned;
    /** Datagrams rebuilt while decoding this frame, nested (bounded: see {@link Fragments}). */
    int reassemblies;
    long frame;
    long timestamp;
    /** 0 outside tunnels; inside one, a hash of the enclosing IP headers' addresses (part of a fragment's key). */
    long scope;
    /** Where the innermost IPv6 header's payload starts in {@link #buf} (to size its unfragmentable part). */
    int ipv6PayloadStart;

    boolean v6;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int ttl;
    int ipId;

    DecodeContext(SegmentSink sink, int maxTunnelDepth, boolean shareFrameBuffers, FragmentReassembler fragments) {
        this.sink = sink;
        this.maxTunnelDepth = maxTunnelDepth;
        this.shareFrameBuffers = shareFrameBuffers;
        this.fragments = fragments;
    }

    /** A header of {@code need} bytes at {@code off} is not all there: cut by the snap length, or never was. */
    static SkipReason missing(int need, int off, int wire) {
        return wire - off >= need ? SkipReason.TRUNCATED : SkipReason.MALFORMED;
    }
}
