/**
 * The libpcap adapter ({@code --reader libpcap}), the only package that may use pcap4j. pcap4j is an optional
 * dependency of this module, so it never reaches modules that depend on {@code capture}.
 */
package dev.nfe.capture.pcap4j;
