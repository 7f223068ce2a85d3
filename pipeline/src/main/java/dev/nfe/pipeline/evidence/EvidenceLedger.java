package dev.nfe.pipeline.evidence;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the evidence writer did, for the command (its messages and exit status) and for the
 * report (each incident's file name). Filled on the writer thread before the summary reaches the
 * sinks after it; read by the command once the run has ended.
 */
public final class EvidenceLedger {

    /** A failing connection, as the report lists the first ones of an incident. */
    public record Listed(long tsNanos, String findingId, String kind, String client, String summary) {
    }

    /**
     * One evidence file.
     *
     * @param failing     failing connections of the incident
     * @param connections of them in the file (the first ones in time)
     * @param leftOutFile the list of the others, or null when none was left out
     * @param comparison  the completed connection in the file ("client -> server"), or null when the server had none
     * @param first       the first few connections in the file
     */
    public record Written(String incidentId, Path file, long frames, int connections, long failing, Path leftOutFile,
                          String comparison, List<Listed> first) {
        public Written {
            first = List.copyOf(first);
        }

        public long leftOut() {
            return failing - connections;
        }
    }

    private final Map<String, Written> written = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long notWritten;
    private boolean finished;
    private long secondPassNanos;
    private long secondPassFrames;

    void written(Written w) {
        written.put(w.incidentId(), w);
    }

    void problem(String p) {
        problems.add(p);
    }

    void note(String n) {
        notes.add(n);
    }

    /** Caps that were hit without keeping anything asked for from being written. */
    public List<String> notes() {
        return Collections.unmodifiableList(notes);
    }

    void notWritten(long n) {
        notWritten += n;
    }

    void finish() {
        finished = true;
    }

    void secondPass(long nanos, long frames) {
        secondPassNanos += nanos;
        secondPassFrames += frames;
    }

    /** Wall time of the second pass over the captures (reading, decoding, writing the files). */
    public long secondPassNanos() {
        return secondPassNanos;
    }

    /** Frames the second pass read (it stops at the last frame it needs from each capture). */
    public long secondPassFrames() {
        return secondPassFrames;
    }

    /** The file written for an incident, or null. */
    public Written of(String incidentId) {
        return written.get(incidentId);
    }

    public List<Written> written() {
        return List.copyOf(written.values());
    }

    /** One line per thing that kept evidence from being written; empty when all of it was. */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** Incidents with no file because of the cap on files (not because of a problem). */
    public long notWritten() {
        return notWritten;
    }

    /** Whether the writer ran to its end (false: the run ended before the summary). */
    public boolean finished() {
        return finished;
    }
}
