/**
 * Live capture without native types: the options, counters and errors of a live interface, and
 * {@link dev.nfe.capture.live.LiveSource}, which the caller's capture thread drives. The readers
 * are in {@code dev.nfe.capture.pcap4j}: the agent's own TPACKET_V3 ring reader and the libpcap one,
 * chosen by {@code LiveSources.open}.
 */
package dev.nfe.capture.live;
