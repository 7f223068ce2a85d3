package dev.nfe.pipeline.evidence;

import dev.nfe.pipeline.output.Timestamps;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the spilled failures with the chosen incidents: the incident engine said which incident
 * each failure joined (exact, whatever the order of the inputs), so the first pass over the spill
 * keeps each incident's first failures and lists the others in {@code <id>.left-out.txt}; the
 * second collects the kept failures' connections. Then each incident gets the completed
 * connection at its server nearest to its window.
 */
final class Selection {
    private Selection() {
    }

    static void assign(EvidenceSpill spill, List<IncidentEvidence> files, CompletedSamples completed, EvidenceSpec spec)
            throws IOException {
        Map<String, IncidentEvidence> byId = new HashMap<>();
        files.forEach(f -> byId.put(f.incident.incidentId(), f));
        Map<IncidentEvidence, BufferedWriter> leftOut = new HashMap<>();
        Map<String, IncidentEvidence> keptIds = new HashMap<>();
        try {
            spill.readAll(new EvidenceSpill.Reader() {
                @Override
                public void member(EvidenceSpill.Member m) throws IOException {
                    IncidentEvidence i = byId.get(m.incidentId());
                    if (i == null) {
                        return;
                    }
                    if (i.member(m.findingId())) {
                        keptIds.put(m.findingId(), i);
                    } else {
                        listLeftOut(leftOut, i, m, spec);
                    }
                }
            });
        } finally {
            close(leftOut);
        }
        spill.readAll(new EvidenceSpill.Reader() {
            @Override
            public void connection(Connection c) {
                IncidentEvidence i = keptIds.get(c.findingId());
                if (i != null) {
                    i.connection(c);
                }
            }
        });
        for (IncidentEvidence i : files) {
            i.comparison = completed.nearest(i.host, i.incident.firstTsNanos(), i.incident.lastTsNanos());
        }
    }

    private static void listLeftOut(Map<IncidentEvidence, BufferedWriter> out, IncidentEvidence i,
                                    EvidenceSpill.Member m, EvidenceSpec spec) throws IOException {
        BufferedWriter w = out.get(i);
        String id = i.incident.incidentId();
        if (w == null) {
            w = Files.newBufferedWriter(spec.leftOutOf(id), StandardCharsets.UTF_8);
            out.put(i, w);
            w.write("# failing connections of incident " + id + " that are not in " + spec.fileOf(id).getFileName()
                    + " (it holds the first " + spec.maxConnections() + "; order: time within each capture,"
                    + " captures in the order given)\n");
            w.write("# time (UTC)\tfinding_id\tkind\tclient\tserver\tcapture\n");
        }
        w.write(Timestamps.iso(m.tsNanos()) + "\t" + m.findingId() + "\t" + m.kind().name() + "\t" + m.client() + "\t"
                + m.server() + "\t" + m.capture() + "\n");
    }

    private static void close(Map<IncidentEvidence, BufferedWriter> writers) throws IOException {
        IOException first = null;
        for (BufferedWriter w : writers.values()) {
            try {
                w.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
