package dev.nfe.pipeline.cli;

import dev.nfe.pipeline.evidence.EvidenceSpec;
import dev.nfe.pipeline.evidence.FrameStore;
import dev.nfe.pipeline.evidence.LiveEvidenceSink;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code nfe agent --interface IF --evidence DIR}: the live evidence files' options, and what they did. */
final class LiveEvidenceOptions {
    private static final List<String> OPTIONS = List.of("evidence", "evidence-memory", "evidence-connections");

    private LiveEvidenceOptions() {
    }

    static Options add(Options o) {
        return o.addOption(Option.builder().longOpt("evidence").hasArg().argName("DIR")
                        .desc("without --kafka: write DIR/<incident_id>.pcapng per incident, rewritten as it grows:"
                                + " the frames of its failing connections (the first " + FrameStore.DEFAULT_HEAD
                                + " and last " + FrameStore.DEFAULT_TAIL + " of each) and of one completed connection"
                                + " at the same server, commented (created if missing)").get())
                .addOption(Option.builder().longOpt("evidence-memory").hasArg().argName("BYTES")
                        .desc("memory for frames kept for evidence; beyond it the least recently active connections'"
                                + " frames are dropped, and counted (default " + FrameStore.DEFAULT_MEMORY + ")").get())
                .addOption(Option.builder().longOpt("evidence-connections").hasArg().argName("N")
                        .desc("failing connections per evidence file, the first to end; the others are listed in "
                                + "DIR/<incident_id>.left-out.txt (default " + EvidenceSpec.DEFAULT_MAX_CONNECTIONS + ")")
                        .get());
    }

    /** Refuses the evidence options where the agent does not dissect (with --kafka). */
    static void refuse(CommandLine cl, String why) throws Command.UsageException {
        for (String o : OPTIONS) {
            if (cl.hasOption(o)) {
                throw new Command.UsageException("--" + o + " " + why);
            }
        }
    }

    /**
     * The live evidence sink asked for, or null without --evidence.
     *
     * @param sources       the agent's source names, by interface
     * @param expireNanos   how long the store keeps a quiet connection the dissector never reported
     * @param forgetNanos   how long a failure waits for an incident that is never written
     */
    static LiveEvidenceSink open(CommandLine cl, List<String> sources, long expireNanos, long forgetNanos)
            throws Command.UsageException, EvidenceOptions.Unwritable {
        long memory = Command.longOption(cl, "evidence-memory", FrameStore.DEFAULT_MEMORY, 1 << 20);
        int connections = Command.intOption(cl, "evidence-connections", EvidenceSpec.DEFAULT_MAX_CONNECTIONS, 1);
        if (!cl.hasOption("evidence")) {
            refuse(cl, "needs --evidence DIR");
            return null;
        }
        Path dir = EvidenceOptions.directory(cl.getOptionValue("evidence"));
        FrameStore store = new FrameStore(FrameStore.DEFAULT_HEAD, FrameStore.DEFAULT_TAIL, memory, expireNanos);
        return new LiveEvidenceSink(store, dir, sources, connections, EvidenceSpec.DEFAULT_MAX_INCIDENTS, forgetNanos);
    }

    /** The agent's last words on the evidence; returns the exit status ({@code exit}, or 5 when a write failed). */
    static int report(LiveEvidenceSink sink, String dir, PrintStream err, int exit) {
        if (sink == null) {
            return exit;
        }
        LiveEvidenceSink.Totals t = sink.totals();
        FrameStore.Stats s = sink.store().stats();
        err.printf(Locale.ROOT, "nfe agent: evidence: %,d files in %s (written %,d times); %,d incidents over the cap"
                        + " of %d files; %,d sessions had no frames kept, %,d failures are in no file (their incident"
                        + " stayed below the minimum count)%n", t.files(), dir, t.rewrites(), t.incidentsOverCap(),
                EvidenceSpec.DEFAULT_MAX_INCIDENTS, t.sessionsWithoutFrames(), t.failuresNeverInAFile());
        err.printf(Locale.ROOT, "nfe agent: evidence frames: %,d stored, %,d left out in the middle of long connections;"
                        + " dropped for memory (cap %,d bytes): %,d connections (%,d frames), %,d frames refused%n",
                s.framesStored(), s.framesLeftOut(), s.maxBytes(), s.connectionsEvicted(), s.framesEvicted(),
                s.framesRefused());
        if (t.writeFailures() > 0) {
            err.println("nfe: evidence: " + t.writeFailures() + " writes failed; the first: " + t.firstProblem());
            return exit == 0 ? EvidenceOptions.EVIDENCE_MISSING : exit;
        }
        return exit;
    }
}
