package dev.nfe.pipeline.replay;

import dev.nfe.capture.FrameSource;

import java.io.IOException;
import java.nio.file.Path;

/** Opens a capture file as a frame source: the plain-Java reader, or libpcap through pcap4j. */
@FunctionalInterface
public interface CaptureOpener {
    FrameSource open(Path path) throws IOException;
}
