/**
 * Everything native, and the only package that may use pcap4j or JNA: the libpcap file reader
 * ({@code --reader libpcap}), live capture through libpcap ({@code any}, other link types,
 * {@code --immediate}), and the agent's own reader of the kernel's TPACKET_V3 ring for Ethernet and
 * loopback interfaces. pcap4j (and with it JNA) is an optional dependency of this module, so it
 * never reaches modules that depend on {@code capture}.
 */
package dev.nfe.capture.pcap4j;
