package dev.nfe.pipeline.evidence;

import dev.nfe.capture.file.PcapngWriter;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.pipeline.output.Timestamps;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * One incident's pcapng file while the second pass writes it: to {@code <id>.pcapng.part} first,
 * renamed to {@code <id>.pcapng} only when complete, so that a failed run leaves no half file
 * under the real name. The section header's comment says what the file is: the incident, how many
 * failing connections it had and holds, where the rest are listed, and the connection shown for
 * comparison.
 */
final class EvidenceFile {
    final IncidentEvidence evidence;
    final Path file;
    private final Path part;
    private final PcapngWriter writer;

    EvidenceFile(IncidentEvidence evidence, EvidenceSpec spec, List<String> captures) throws IOException {
        this.evidence = evidence;
        this.file = spec.fileOf(evidence.incident.incidentId());
        this.part = file.resolveSibling(file.getFileName() + ".part");
        this.writer = PcapngWriter.start(new BufferedOutputStream(Files.newOutputStream(part), 1 << 16), "nfe",
                header(evidence, spec, captures));
    }

    void frame(int linkType, int tsresol, long ts, byte[] buf, int off, int cap, int orig, List<String> comments)
            throws IOException {
        writer.frame(linkType, tsresol, ts, buf, off, cap, orig, comments);
    }

    long frames() {
        return writer.frames();
    }

    /** Closes the file and gives it its real name. */
    void commit() throws IOException {
        writer.close();
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Closes and removes the unfinished file (after a problem). */
    void discard() {
        try {
            writer.close();
        } catch (IOException e) {
            // the file goes anyway
        }
        try {
            Files.deleteIfExists(part);
        } catch (IOException e) {
            // nothing more to do: the .part name says it is unfinished
        }
    }

    private static String header(IncidentEvidence e, EvidenceSpec spec, List<String> captures) {
        Incident i = e.incident;
        StringBuilder sb = new StringBuilder();
        sb.append("nfe evidence for incident ").append(i.incidentId()).append(": ").append(i.severity().name())
                .append(' ').append(i.fault().code()).append(" at ").append(String.join(", ", i.servers())).append('\n');
        sb.append(i.summary()).append('\n');
        int kept = e.kept().size();
        sb.append(String.format(Locale.ROOT, "Failing connections: %d; in this file: %d (the first %d in time)", e.failing(),
                kept, kept));
        if (e.leftOut() > 0) {
            sb.append("; left out: ").append(e.leftOut()).append(", listed in ")
                    .append(spec.leftOutOf(i.incidentId()).getFileName());
        }
        sb.append(".\n");
        Connection c = e.comparison;
        if (c == null) {
            sb.append("No completed handshake at this server was seen to compare with.\n");
        } else {
            sb.append("For comparison, one completed handshake at the same server: ").append(c.client()).append(" -> ")
                    .append(c.server()).append(" at ").append(Timestamps.iso(c.tsNanos())).append(" (frames ")
                    .append(c.firstFrame()).append('-').append(c.lastFrame()).append(" of ")
                    .append(captures.get(c.capture())).append(").\n");
        }
        sb.append("Frames are copied as captured from ").append(String.join(", ", captures))
                .append(", in capture order, with their original timestamps; at most ").append(spec.maxFrames())
                .append(" per connection (the first and the last ").append(spec.maxFrames() / 2)
                .append(", and every ClientHello and RST). Each ClientHello and RST of a failing connection carries"
                        + " a comment naming its finding (frame.comment).");
        return sb.toString();
    }
}
