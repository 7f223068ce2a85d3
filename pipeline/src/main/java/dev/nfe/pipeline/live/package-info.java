/**
 * {@code nfe agent --interface IF}: live capture on one or more interfaces. A capture thread per
 * interface ({@link dev.nfe.pipeline.live.CaptureLoop}) feeds one bounded queue
 * ({@link dev.nfe.pipeline.live.FrameQueue}); one processing thread decodes the frames and hands
 * the segments to a {@link dev.nfe.pipeline.live.LiveOutput}: Kafka, or dissection in process.
 * When the queue is full the capture thread drops and counts instead of blocking, so the kernel
 * ring keeps draining and every loss is on one of three counters (kernel, interface, queue).
 */
package dev.nfe.pipeline.live;
