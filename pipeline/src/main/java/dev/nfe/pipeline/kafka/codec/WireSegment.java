package dev.nfe.pipeline.kafka.codec;

import dev.nfe.capture.TcpSegment;

/**
 * A segment as it travels on {@code nfe.segments}: the captured facts plus what the agent knows
 * about them.
 *
 * @param agent       the publishing agent
 * @param source      the capture file or interface the agent read it from
 * @param payloadCut  the agent's payload budget kept (some of) the payload on the host
 * @param firstInFlow the agent had not seen this flow before, or this is the SYN opening it
 * @param captureLoss the agent's running count of packets lost on this source (0 for files)
 */
public record WireSegment(TcpSegment segment, String agent, String source, boolean payloadCut,
                          boolean firstInFlow, long captureLoss) {
}
