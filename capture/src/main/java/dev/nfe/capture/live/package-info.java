/**
 * Live capture without libpcap types: the options, {@code pcap_stats} counters and errors of
 * {@link dev.nfe.capture.pcap4j.LiveInterface}, the pcap4j adapter that opens an interface and
 * is driven by its caller's capture thread with {@code pcap_dispatch} and {@code pcap_breakloop}.
 */
package dev.nfe.capture.live;
