/**
 * From link-layer frames to {@link dev.nfe.capture.TcpSegment}s: {@link dev.nfe.capture.decode.SegmentDecoder}
 * is a {@link dev.nfe.capture.FrameSink} that decodes link layers, IPv4/IPv6 and tunnels down to TCP and counts
 * every other frame in {@link dev.nfe.capture.decode.DecodeStats} under one {@link dev.nfe.capture.decode.SkipReason}.
 * The header layouts are quoted from their RFCs beside the code that parses them.
 */
package dev.nfe.capture.decode;
