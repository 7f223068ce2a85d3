package dev.nfe.pipeline.evidence;

import dev.nfe.capture.file.PcapngWriter;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.pipeline.output.Timestamps;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One incident's evidence in the live agent: the frames of its first failing connections (up to
 * the cap), how many it had in all, how many were left out and why, and the completed connection
 * at its server shown beside them. {@link #write} (re)writes its file whole, from memory.
 */
final class LiveIncident {
    /** A connection and the frames the store kept of it. */
    record Kept(Connection connection, ConnectionFrames frames) {
    }

    private record Entry(StoredFrame frame, Kept of) {
    }

    final String incidentId;
    final List<Kept> kept = new ArrayList<>();
    long failing;
    /** Failing connections beyond the per-file cap. */
    long leftOut;
    /** Failing connections of which the store had no frames (dropped for memory, or begun before the agent). */
    long withoutFrames;
    Kept comparison;
    long lastJoinNanos;
    boolean written;

    LiveIncident(String incidentId) {
        this.incidentId = incidentId;
    }

    /** Bytes its frames hold (the comparison's too: it is charged again when pinned here). */
    long bytes() {
        long n = comparison == null ? 0 : comparison.frames().bytes();
        for (Kept k : kept) {
            n += k.frames().bytes();
        }
        return n;
    }

    /**
     * Writes {@code DIR/<id>.pcapng}: to {@code .part} first, then renamed over the last version, so a
     * reader never sees half a file. Frames in capture order, each as captured; returns the count.
     */
    long write(Incident i, Path file, String header, String capRule) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (Kept k : kept) {
            k.frames().frames().forEach(f -> entries.add(new Entry(f, k)));
        }
        if (comparison != null) {
            comparison.frames().frames().forEach(f -> entries.add(new Entry(f, comparison)));
        }
        entries.sort((a, b) -> StoredFrame.compare(a.frame, b.frame));
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try (PcapngWriter w = PcapngWriter.start(new BufferedOutputStream(Files.newOutputStream(part), 1 << 16), "nfe",
                header)) {
            for (Entry e : entries) {
                StoredFrame f = e.frame;
                ConnectionFrames cf = e.of.frames();
                long skipped = f == cf.afterGap() ? cf.leftOut() : 0;
                w.frame(f.linkType(), f.tsresol(), f.tsNanos(), f.data(), 0, f.data().length, f.originalLength(),
                        FrameComments.of(e.of.connection(), f.number(), f.rst(), f.fin(), skipped, capRule));
            }
        } catch (IOException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        written = true;
        return entries.size();
    }

    /** The section header's comment: what the file is, what it holds and what it does not, and why. */
    String header(Incident i, List<String> sources, FrameStore store, Path leftOutFile) {
        StringBuilder sb = new StringBuilder();
        sb.append("nfe evidence for incident ").append(i.incidentId()).append(": ").append(i.severity().name())
                .append(' ').append(i.fault().code()).append(" at ").append(String.join(", ", i.servers()))
                .append(" (live, state ").append(i.state().code()).append(" when written)\n");
        sb.append(i.summary()).append('\n');
        sb.append(String.format(Locale.ROOT, "Failing connections: %d; in this file: %d (the first to end)", failing,
                kept.size()));
        if (leftOut > 0) {
            sb.append("; left out over the cap: ").append(leftOut).append(", listed in ").append(leftOutFile.getFileName());
        }
        if (withoutFrames > 0) {
            sb.append("; without frames: ").append(withoutFrames)
                    .append(" (the agent's frame store had dropped them for memory, or they began before it started)");
        }
        sb.append(".\n");
        if (comparison == null) {
            sb.append("No completed handshake at this server was seen to compare with.\n");
        } else {
            Connection c = comparison.connection();
            sb.append("For comparison, one completed handshake at the same server: ").append(c.client()).append(" -> ")
                    .append(c.server()).append(" at ").append(Timestamps.iso(c.tsNanos())).append(".\n");
        }
        FrameStore.Stats st = store.stats();
        sb.append("Frames are copied as captured live on ").append(String.join(", ", sources))
                .append(", in capture order, with their original timestamps; per connection the first ")
                .append(store.head()).append(" and the last ").append(store.tail())
                .append(" (a comment marks where frames were left out). Each ClientHello and RST of a failing"
                        + " connection carries a comment naming its finding (frame.comment).\n");
        sb.append(String.format(Locale.ROOT, "The agent's frame store at the time of writing: %,d of %,d bytes held;"
                        + " %,d frames stored, %,d left out in the middle of long connections, %,d connections"
                        + " (%,d frames) dropped for memory, %,d frames refused for memory.", st.bytes(), st.maxBytes(),
                st.framesStored(), st.framesLeftOut(), st.connectionsEvicted(), st.framesEvicted(), st.framesRefused()));
        return sb.toString();
    }
}
