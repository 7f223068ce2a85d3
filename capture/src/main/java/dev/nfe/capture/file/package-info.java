/**
 * Plain-Java capture file readers, the default for offline replay: {@link dev.nfe.capture.file.CaptureFiles#open}
 * recognises pcap and pcapng by magic number and returns a {@link dev.nfe.capture.FrameSource} that reads through
 * one reused buffer, allocates nothing per frame, and reports damage once, with the byte offset of the bad
 * record or block, after every good frame before it.
 */
package dev.nfe.capture.file;
