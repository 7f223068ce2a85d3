package dev.nfe.pipeline.live;

import dev.nfe.capture.live.LiveOptions;

import java.util.List;

/**
 * How {@code nfe agent --interface} runs.
 *
 * @param agentId         names the agent; sources are "agentId/interface"
 * @param interfaces      interfaces to capture on ("any" is one of them)
 * @param capture         libpcap settings, the same for every interface
 * @param queueFrames     frames the queue between capture and processing holds at most
 * @param queueBytes      bytes it holds at most (frames, plus a fixed cost each)
 * @param statsIntervalNanos how often counters are published and logged
 * @param tickNanos       how often event time is advanced on quiet interfaces (idle flows finalise)
 * @param clockLagNanos   how far behind the wall clock a quiet interface's event time is kept, so
 *                        frames still in the kernel ring are not older than the clock
 * @param drainTimeoutNanos how long a stop may wait for the output (Kafka) before giving up on it
 */
public record LiveAgentOptions(String agentId, List<String> interfaces, LiveOptions capture, int queueFrames,
                               long queueBytes, long statsIntervalNanos, long tickNanos, long clockLagNanos,
                               long drainTimeoutNanos) {
    public static final long SECOND = 1_000_000_000L;
    public static final int DEFAULT_QUEUE_FRAMES = 1 << 20;
    public static final long DEFAULT_QUEUE_BYTES = 256L << 20;

    public LiveAgentOptions {
        interfaces = List.copyOf(interfaces);
        if (interfaces.isEmpty() || queueFrames < 1 || queueBytes < 1 || statsIntervalNanos <= 0 || tickNanos <= 0
                || clockLagNanos < 0 || drainTimeoutNanos < 0) {
            throw new IllegalArgumentException("invalid live agent options");
        }
    }

    /** The source name of interface {@code i}. */
    public String source(int i) {
        return agentId + "/" + interfaces.get(i);
    }
}
