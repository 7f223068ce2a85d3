package dev.nfe.capture.file;

import dev.nfe.capture.FrameSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens capture files with the plain-Java readers, the default for offline replay.
 *
 * <pre>{@code
 * try (FrameSource src = CaptureFiles.open(path)) {
 *     while (src.next(decoder)) { }
 * }
 * }</pre>
 */
public final class CaptureFiles {
    /** 8 MiB: large enough that a refill is rare, small enough to stay in L2/L3-friendly strides. */
    public static final int DEFAULT_BUFFER_SIZE = 8 << 20;

    private CaptureFiles() {
    }

    /**
     * Opens {@code path} as pcap or pcapng, recognised by its magic number.
     *
     * @throws dev.nfe.capture.NotACaptureException when the file is empty, not a capture, or its file header is cut short
     */
    public static FrameSource open(Path path) throws IOException {
        return open(path, DEFAULT_BUFFER_SIZE);
    }

    /** As {@link #open(Path)}, with a read buffer of {@code bufferSize} bytes (it grows if a single block needs more). */
    public static FrameSource open(Path path, int bufferSize) throws IOException {
        return open(FileChannel.open(path, StandardOpenOption.READ), path.toString(), bufferSize);
    }

    /**
     * Reads a capture from an already open channel positioned at its start (for inputs that are not
     * plain files). The source owns the channel and closes it.
     */
    public static FrameSource open(SeekableByteChannel channel, String description, int bufferSize) throws IOException {
        ChannelBuffer in = new ChannelBuffer(channel, bufferSize);
        try {
            in.ensure(4);
            CaptureFormat format = CaptureFormat.of(description, in.array(), Math.min(4, in.available()));
            return switch (format) {
                case PCAP -> new PcapFileSource(in, description);
                case PCAPNG -> new PcapngFileSource(in, description);
            };
        } catch (IOException | RuntimeException e) {
            try {
                in.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
