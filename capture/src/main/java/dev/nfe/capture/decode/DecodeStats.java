package dev.nfe.capture.decode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link SegmentDecoder} saw: frames, bytes, TCP segments, frames cut by the snap length, and
 * the frames that gave no segment, by {@link SkipReason}. Every frame is either a TCP segment or
 * exactly one skip, so {@code frames == tcpSegments + skipped()}. Beside the frames, what IP
 * fragment reassembly did with datagrams and fragments, by {@link FragmentEvent}, and how many
 * datagrams are still waiting for fragments.
 *
 * <p>Mutable and owned by one decoder (one thread); hand out a {@link #copy()} to share it, and
 * {@link #merge(DecodeStats)} per-thread copies into a total.
 */
public final class DecodeStats {
    private static final SkipReason[] REASONS = SkipReason.values();
    private static final FragmentEvent[] EVENTS = FragmentEvent.values();

    private long frames;
    private long bytes;
    private long capturedBytes;
    private long tcpSegments;
    private long truncatedFrames;
    private final long[] skipped = new long[REASONS.length];
    private final long[] fragmentEvents = new long[EVENTS.length];
    private long fragmentsInProgress;

    void frame(int capturedLength, int originalLength) {
        frames++;
        capturedBytes += capturedLength;
        bytes += Math.max(capturedLength, originalLength);
        if (capturedLength < originalLength) {
            truncatedFrames++;
        }
    }

    void segment() {
        tcpSegments++;
    }

    void skip(SkipReason reason) {
        skipped[reason.ordinal()]++;
    }

    void fragment(FragmentEvent event) {
        fragmentEvents[event.ordinal()]++;
    }

    void fragmentsInProgress(int delta) {
        fragmentsInProgress += delta;
    }

    /** Frames seen. */
    public long frames() {
        return frames;
    }

    /** Bytes on the wire (original frame lengths). */
    public long bytes() {
        return bytes;
    }

    /** Bytes captured (what the capture file holds). */
    public long capturedBytes() {
        return capturedBytes;
    }

    /** TCP segments handed to the sink. */
    public long tcpSegments() {
        return tcpSegments;
    }

    /** Frames whose captured length is below their original length (cut by the snap length). */
    public long truncatedFrames() {
        return truncatedFrames;
    }

    public long skipped(SkipReason reason) {
        return skipped[reason.ordinal()];
    }

    /** All skipped frames. */
    public long skipped() {
        long n = 0;
        for (long s : skipped) {
            n += s;
        }
        return n;
    }

    /** How often reassembly met {@code event} (datagrams or fragments, see {@link FragmentEvent}). */
    public long fragments(FragmentEvent event) {
        return fragmentEvents[event.ordinal()];
    }

    /**
     * Datagrams waiting for more fragments. A gauge, not a count: at the end of an input, the
     * datagrams whose fragments never all arrived (merged stats add those of every input).
     */
    public long fragmentsInProgress() {
        return fragmentsInProgress;
    }

    /** Adds {@code other}'s counts to this one; returns this. */
    public DecodeStats merge(DecodeStats other) {
        frames += other.frames;
        bytes += other.bytes;
        capturedBytes += other.capturedBytes;
        tcpSegments += other.tcpSegments;
        truncatedFrames += other.truncatedFrames;
        for (int i = 0; i < skipped.length; i++) {
            skipped[i] += other.skipped[i];
        }
        for (int i = 0; i < fragmentEvents.length; i++) {
            fragmentEvents[i] += other.fragmentEvents[i];
        }
        fragmentsInProgress += other.fragmentsInProgress;
        return this;
    }

    public DecodeStats copy() {
        return new DecodeStats().merge(this);
    }

    /**
     * The counts by stable name, in a fixed order: {@code frames, bytes, captured_bytes, tcp_segments,
     * truncated_frames}, then {@code skipped.<reason>} for every reason, then
     * {@code fragments.<event>} for every {@link FragmentEvent} and {@code fragments.in_progress}
     * (zeros included).
     */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("frames", frames);
        m.put("bytes", bytes);
        m.put("captured_bytes", capturedBytes);
        m.put("tcp_segments", tcpSegments);
        m.put("truncated_frames", truncatedFrames);
        for (SkipReason r : REASONS) {
            m.put("skipped." + r.code(), skipped[r.ordinal()]);
        }
        for (FragmentEvent e : EVENTS) {
            m.put("fragments." + e.code(), fragmentEvents[e.ordinal()]);
        }
        m.put("fragments.in_progress", fragmentsInProgress);
        return Collections.unmodifiableMap(m);
    }

    /**
     * What a run summary lists per input: the skip reasons that occurred, by code (e.g.
     * {@code non_tcp}), then the fragment counts that are not zero, as {@code fragments.<event>}
     * and {@code fragments.in_progress}.
     */
    public Map<String, Long> nonZeroSkipsAndFragments() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (SkipReason r : REASONS) {
            if (skipped[r.ordinal()] != 0) {
                m.put(r.code(), skipped[r.ordinal()]);
            }
        }
        for (FragmentEvent e : EVENTS) {
            if (fragmentEvents[e.ordinal()] != 0) {
                m.put("fragments." + e.code(), fragmentEvents[e.ordinal()]);
            }
        }
        if (fragmentsInProgress != 0) {
            m.put("fragments.in_progress", fragmentsInProgress);
        }
        return Collections.unmodifiableMap(m);
    }

    /** E.g. {@code frames=1189 tcp_segments=486 truncated_frames=0 skipped=703 {non_tcp=703}} (non-zero reasons only). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(96);
        sb.append("frames=").append(frames)
                .append(" bytes=").append(bytes)
                .append(" tcp_segments=").append(tcpSegments)
                .append(" truncated_frames=").append(truncatedFrames)
                .append(" skipped=").append(skipped());
        String sep = " {";
        for (SkipReason r : REASONS) {
            long n = skipped[r.ordinal()];
            if (n != 0) {
                sb.append(sep).append(r.code()).append('=').append(n);
                sep = ", ";
            }
        }
        if (!sep.equals(" {")) {
            sb.append('}');
        }
        sep = " fragments {";
        for (FragmentEvent e : EVENTS) {
            long n = fragmentEvents[e.ordinal()];
            if (n != 0) {
                sb.append(sep).append(e.code()).append('=').append(n);
                sep = ", ";
            }
        }
        if (fragmentsInProgress != 0) {
            sb.append(sep).append("in_progress=").append(fragmentsInProgress);
            sep = ", ";
        }
        if (!sep.equals(" fragments {")) {
            sb.append('}');
        }
        return sb.toString();
    }
}
