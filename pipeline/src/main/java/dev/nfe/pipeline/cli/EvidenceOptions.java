package dev.nfe.pipeline.cli;

import dev.nfe.pipeline.evidence.EvidenceLedger;
import dev.nfe.pipeline.evidence.EvidenceSpec;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code --evidence DIR}, {@code --incident ID} and the cap, for replay and report. */
final class EvidenceOptions {
    /** Incident ids are 20 hex digits (OpenIncident.id). */
    private static final Pattern INCIDENT_ID = Pattern.compile("[0-9a-f]{20}");
    /** Exit status when the results are complete but evidence asked for is missing. */
    static final int EVIDENCE_MISSING = 5;

    private EvidenceOptions() {
    }

    /** A directory the evidence cannot go to; the command stops with status 2 before anything runs. */
    static final class Unwritable extends Command.Refused {
        Unwritable(String message) {
            super(message);
        }
    }

    static Options add(Options o, String incidentHelp) {
        return o.addOption(Option.builder().longOpt("evidence").hasArg().argName("DIR")
                        .desc("write DIR/<incident_id>.pcapng per incident: its failing connections' frames and one "
                                + "completed connection at the same server, commented (created if missing)").get())
                .addOption(Option.builder().longOpt("incident").hasArg().argName("ID")
                        .desc(incidentHelp).get())
                .addOption(Option.builder().longOpt("evidence-connections").hasArg().argName("N")
                        .desc("failing connections per evidence file, the first in time; the others are listed in "
                                + "DIR/<incident_id>.left-out.txt (default " + EvidenceSpec.DEFAULT_MAX_CONNECTIONS + ")")
                        .get())
                .addOption(Option.builder().longOpt("evidence-frames").hasArg().argName("N")
                        .desc("frames per connection in an evidence file: the first and the last N/2, and every "
                                + "ClientHello and RST (default " + EvidenceSpec.DEFAULT_MAX_FRAMES + ")").get());
    }

    /** The incident ids given with --incident (checked for their form), in the order given. */
    static Set<String> incidentIds(CommandLine cl) throws Command.UsageException {
        Set<String> ids = new LinkedHashSet<>();
        String[] values = cl.getOptionValues("incident");
        if (values != null) {
            for (String v : String.join(",", values).split(",", -1)) {
                String id = v.trim();
                if (!INCIDENT_ID.matcher(id).matches()) {
                    throw new Command.UsageException("--incident needs an incident id (20 hex digits, as in the "
                            + "incident records), not '" + v + "'");
                }
                ids.add(id);
            }
        }
        return ids;
    }

    /**
     * The evidence asked for, or null without --evidence. Creates DIR when missing and checks that a
     * file can be made in it; takes each capture's size and time (call after the inputs were checked,
     * before the run).
     */
    static EvidenceSpec spec(CommandLine cl, List<String> captures) throws Command.UsageException, Unwritable {
        Set<String> ids = incidentIds(cl);
        int connections = Command.intOption(cl, "evidence-connections", EvidenceSpec.DEFAULT_MAX_CONNECTIONS, 1);
        int frames = Command.intOption(cl, "evidence-frames", EvidenceSpec.DEFAULT_MAX_FRAMES, 2);
        String dir = cl.getOptionValue("evidence");
        if (dir == null) {
            for (String o : List.of("evidence-connections", "evidence-frames")) {
                if (cl.hasOption(o)) {
                    throw new Command.UsageException("--" + o + " needs --evidence DIR");
                }
            }
            return null;
        }
        Path d = directory(dir);
        try {
            return EvidenceSpec.of(d, captures, ids, connections, frames);
        } catch (IOException e) {
            throw new Unwritable("cannot read a capture's size and time: " + describe(e));
        }
    }

    /** {@code --evidence DIR}: created when missing, and checked that a file can be made in it. */
    static Path directory(String dir) throws Unwritable {
        Path d = Path.of(dir);
        try {
            Files.createDirectories(d);
            Files.deleteIfExists(Files.createTempFile(d, ".nfe-write-check-", ".tmp"));
        } catch (IOException | SecurityException e) {
            throw new Unwritable("cannot write evidence to " + dir + ": " + describe(e));
        }
        return d;
    }

    /**
     * Tells what the evidence writer did (stderr) and returns the exit status: {@code exit}, or
     * {@link #EVIDENCE_MISSING} when it was 0 and some evidence asked for is missing.
     */
    static int report(EvidenceLedger ledger, EvidenceSpec spec, PrintStream err, int exit) {
        if (ledger == null) {
            return exit;
        }
        List<EvidenceLedger.Written> written = ledger.written();
        if (!written.isEmpty() || ledger.problems().isEmpty()) {
            err.println("nfe: evidence: " + written.size() + (written.size() == 1 ? " file" : " files") + " in "
                    + spec.dir() + String.format(java.util.Locale.ROOT, " (second pass: %,d frames in %.2f s)",
                    ledger.secondPassFrames(), ledger.secondPassNanos() / 1e9) + (ledger.notWritten() > 0 ? " (" + ledger.notWritten() + " more incidents over the cap of "
                    + spec.maxIncidents() + " files: use --incident ID to write one)" : ""));
        }
        for (String n : ledger.notes()) {
            err.println("nfe: evidence: note: " + n);
        }
        for (String p : ledger.problems()) {
            err.println("nfe: evidence: " + p);
        }
        if (!ledger.finished()) {
            err.println("nfe: evidence: not written (the run ended early)");
        }
        return exit == 0 && (!ledger.problems().isEmpty() || !ledger.finished()) ? EVIDENCE_MISSING : exit;
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "it exists and is not a directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
