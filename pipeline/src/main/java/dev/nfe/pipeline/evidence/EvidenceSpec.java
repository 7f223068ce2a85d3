package dev.nfe.pipeline.evidence;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@code --evidence DIR} asked for: where the files go, the captures the results come from
 * (read again for the frames), which incidents (all, or the ids given), and the caps.
 *
 * @param dir            an existing, writable directory (the command checks it before anything runs)
 * @param stamps         every capture as given on the command line, with its size and time before the first pass
 * @param incidentIds    the incidents to write; empty: every incident (up to {@code maxIncidents}, worst first)
 * @param maxIncidents   evidence files written at most (the worst incidents first: severity, then size)
 * @param maxConnections failing connections per file (the first ones in time); the rest are listed in a text file
 * @param maxFrames      frames per connection: the first half and the last half of them, and every ClientHello and RST
 */
public record EvidenceSpec(Path dir, List<CaptureStamp> stamps, Set<String> incidentIds, int maxIncidents,
                           int maxConnections, int maxFrames) {
    public static final int DEFAULT_MAX_INCIDENTS = 100;
    public static final int DEFAULT_MAX_CONNECTIONS = 100;
    public static final int DEFAULT_MAX_FRAMES = 1000;

    public EvidenceSpec {
        stamps = List.copyOf(stamps);
        incidentIds = Set.copyOf(incidentIds);
        if (maxIncidents < 1 || maxConnections < 1 || maxFrames < 2) {
            throw new IllegalArgumentException("evidence caps must be positive");
        }
    }

    /** Takes each capture's size and time now: call it before the first pass reads them. */
    public static EvidenceSpec of(Path dir, List<String> captures, Set<String> incidentIds, int maxConnections,
                                  int maxFrames) throws IOException {
        List<CaptureStamp> stamps = new ArrayList<>(captures.size());
        for (String c : captures) {
            stamps.add(CaptureStamp.of(c));
        }
        return new EvidenceSpec(dir, stamps, incidentIds, DEFAULT_MAX_INCIDENTS, maxConnections, maxFrames);
    }

    /** The file an incident's evidence goes to. */
    public Path fileOf(String incidentId) {
        return dir.resolve(incidentId + ".pcapng");
    }

    /** The list of the failing connections left out of an incident's file. */
    public Path leftOutOf(String incidentId) {
        return dir.resolve(incidentId + ".left-out.txt");
    }
}
