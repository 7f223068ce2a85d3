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
 *
 * A source belongs to one thread. The arrays handed to the sink are never written again once
 * handed out ({@link FrameSource#stableBuffers()}), so a sink may keep views of frame bytes.
 */
public final class CaptureFiles {
    /**
     * 1 MiB: each refill allocates a fresh array (so frames' payloads can be kept as views, see
     * FrameSource.stableBuffers), and arrays that size are cheap to allocate and to collect while
     * segments still point into them; larger ones cost more in young collections than they save
     * in read calls.
     */
    public static final int DEFAULT_BUFFER_SIZE = 1 << 20;
    private static final int MIN_BUFFER_SIZE = 64 << 10;

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
        if (bufferSize < 1) {
            channel.close();
            throw new IllegalArgumentException("bufferSize must be positive: " + bufferSize);
        }
        // a small file needs no 8 MiB array (opening thousands of small captures stays cheap);
        // the buffer still grows if the file turns out larger than it said
        long size = channel.size();
        int capacity = (int) Math.min(bufferSize, Math.max(size, MIN_BUFFER_SIZE));
        ChannelBuffer in = new ChannelBuffer(channel, capacity);
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
