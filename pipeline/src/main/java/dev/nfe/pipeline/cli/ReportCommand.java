package dev.nfe.pipeline.cli;

import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.pipeline.Defaults;
import dev.nfe.pipeline.evidence.EvidenceSpec;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.findings.ReportReader;
import dev.nfe.pipeline.output.OutputSpec;
import dev.nfe.pipeline.output.Outputs;
import dev.nfe.pipeline.replay.ProgressListener;
import dev.nfe.pipeline.replay.ReplayEngine;
import dev.nfe.pipeline.replay.ReplayOptions;
import dev.nfe.pipeline.report.ReportSpec;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * {@code nfe report --out FILE.html CAPTURE...}: replays the captures (as {@code nfe replay} does)
 * into one self-contained HTML file, with {@code --evidence DIR} the pcapng files it names.
 * {@code nfe report --kafka HOST:PORT --out FILE.html}: the same report of the committed sessions,
 * findings and incidents ({@link ReportReader}).
 */
final class ReportCommand extends Command {

    @Override
    String name() {
        return "report";
    }

    @Override
    String summary() {
        return "write one self-contained HTML report (incidents, timelines, tables) of capture files";
    }

    @Override
    String operands() {
        return "--out FILE.html CAPTURE... | --kafka HOST:PORT --out FILE.html [--since TIME]";
    }

    @Override
    String footer() {
        return "\nThe file needs no network to open: styles, the few lines of script and the SVG timelines are inline.\n"
                + "With --kafka the report is of what the dissectors and the incidents app committed (nfe.sessions, "
                + "nfe.findings, nfe.incidents): no --evidence (evidence files are cut from the capture files, which "
                + "the topics do not hold), and the incidents are those the dissector group formed (its "
                + "--incident-gap/--incident-min). Status 4: the cluster or a topic cannot be read.\n"
                + "Exit status: 0 ok, 2 bad usage, an input that is not a capture, or FILE / DIR that cannot be "
                + "written (nothing is processed), 3 a capture is damaged (the report shows what was read and says "
                + "so), 5 the report is written but something asked for is missing (an --incident id no incident has, "
                + "evidence that could not be written).";
    }

    @Override
    Options options() {
        return EvidenceOptions.add(KafkaOptions.add(new Options())
                        .addOption(Option.builder("o").longOpt("out").hasArg().argName("FILE.html")
                                .desc("the report file to write (required)").get())
                        .addOption(Option.builder().longOpt("incident-gap").hasArg().argName("SECONDS")
                                .desc("quiet time that separates two incidents of one server (default "
                                        + Defaults.INCIDENT_GAP_SECONDS + ")").get())
                        .addOption(Option.builder().longOpt("incident-min").hasArg().argName("N")
                                .desc("smallest group reported as an incident (default " + Defaults.INCIDENT_MIN + ")")
                                .get())
                        .addOption(Option.builder().longOpt("since").hasArg().argName("TIME")
                                .desc("with --kafka: only connections that began at or after TIME, and the incidents "
                                        + "that lasted until then: ISO-8601 (2026-11-21T10:00:00Z) or an age (90s, 15m, "
                                        + "2h, 7d); default everything the topics hold").get()),
                "show only these incidents (and write only their evidence); repeat, or separate with commas");
    }

    @Override
    int execute(CommandLine cl, PrintStream out, PrintStream err) throws Exception {
        List<String> files = cl.getArgList();
        String file = cl.getOptionValue("out");
        if (file == null) {
            throw new UsageException("--out FILE.html is required");
        }
        if (cl.hasOption("kafka")) {
            return fromKafka(cl, file, err);
        }
        if (cl.hasOption("since")) {
            throw new UsageException("--since is for --kafka; a capture file is read whole");
        }
        if (files.isEmpty()) {
            throw new UsageException("no capture file given (or --kafka HOST:PORT)");
        }
        Set<String> ids = EvidenceOptions.incidentIds(cl);
        int incidentGap = intOption(cl, "incident-gap", Defaults.INCIDENT_GAP_SECONDS, 1);
        int incidentMin = intOption(cl, "incident-min", Defaults.INCIDENT_MIN, 1);
        ReplayOptions options = ReplayOptions.defaults(Runtime.getRuntime().availableProcessors(),
                DissectorConfig.defaults(""), CaptureFiles::open).withIncidents(incidentGap * 1_000_000_000L, incidentMin);
        ReplayEngine engine = new ReplayEngine(options, ProgressListener.NONE);
        List<String> problems = engine.validate(files);
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("nfe: " + p));
            return 2;
        }
        String unwritable = unwritable(Path.of(file));
        if (unwritable != null) {
            err.println("nfe: cannot write the report to " + file + ": " + unwritable);
            return 2;
        }
        EvidenceSpec evidence = EvidenceOptions.spec(cl, files);
        String source = files.size() == 1 ? files.get(0) : files.size() + " capture files: " + String.join(", ", files);
        ReportSpec report = new ReportSpec(source, files, ids,
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm 'UTC'")),
                Nfe.version());
        int exit;
        try (Outputs outputs = Outputs.open(OutputSpec.html(file, report).withEvidence(evidence))) {
            ReplayEngine.Result result = engine.run(files, outputs.sink());
            outputs.flush();
            for (String e : result.errors()) {
                err.println("nfe: " + e);
            }
            exit = EvidenceOptions.report(outputs.evidence(), evidence, err, result.exitCode());
            for (String p : outputs.reportProblems()) {
                err.println("nfe: report: " + p);
                exit = exit == 0 ? EvidenceOptions.EVIDENCE_MISSING : exit;
            }
        } catch (IOException e) {
            err.println("nfe: cannot write the report to " + file + ": " + e.getMessage());
            return 1;
        }
        err.println("nfe: report written to " + file);
        return exit;
    }

    /** The report of the committed topics: sessions with their findings, incidents, summary. */
    private static int fromKafka(CommandLine cl, String file, PrintStream err) throws Exception {
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("--kafka reads the topics: give no capture file (" + cl.getArgList().get(0) + ")");
        }
        for (String o : List.of("evidence", "evidence-connections", "evidence-frames")) {
            if (cl.hasOption(o)) {
                throw new UsageException("--" + o + " needs the capture files: evidence is cut from them, and the "
                        + "topics hold results, not frames (run nfe report --evidence on the captures)");
            }
        }
        for (String o : List.of("incident-gap", "incident-min")) {
            if (cl.hasOption(o)) {
                throw new UsageException("--" + o + ": with --kafka the incidents are the dissector group's "
                        + "(nfe dissect --" + o + ")");
            }
        }
        KafkaSettings settings = KafkaOptions.settings(cl);
        long since = FindingsCommand.since(cl.getOptionValue("since"));
        Set<String> ids = EvidenceOptions.incidentIds(cl);
        String unwritable = unwritable(Path.of(file));
        if (unwritable != null) {
            err.println("nfe: cannot write the report to " + file + ": " + unwritable);
            return 2;
        }
        String window = since == Long.MIN_VALUE ? "everything kept"
                : "since " + DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC)
                        .format(Instant.ofEpochSecond(Math.floorDiv(since, 1_000_000_000L)));
        String source = "Kafka " + settings.bootstrap() + ": " + settings.topics().sessions() + ", "
                + settings.topics().findings() + " and " + settings.topics().incidents() + " (committed), " + window;
        ReportSpec report = new ReportSpec(source, List.of(), ids,
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm 'UTC'")),
                Nfe.version());
        ReportReader reader = new ReportReader(settings);
        int exit = 0;
        // written beside FILE and moved over it once complete: a cluster that cannot be read
        // leaves an earlier report as it was
        Path target = Path.of(file).toAbsolutePath();
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        try (Outputs outputs = Outputs.open(OutputSpec.html(partial.toString(), report))) {
            ReportReader.Result r;
            try {
                r = reader.read(since, outputs.sink());
            } catch (IOException e) {
                err.println("nfe: " + e.getMessage());
                outputs.close();
                Files.deleteIfExists(partial);
                return 4;
            }
            outputs.sink().summary(r.summary());
            outputs.flush();
            skipped(err, r.undecodableSessions(), settings.topics().sessions(), "sessions");
            skipped(err, r.undecodableFindings(), settings.topics().findings(), "findings");
            skipped(err, r.undecodableIncidents(), settings.topics().incidents(), "host records");
            if (!r.incidentsTopic()) {
                err.println("nfe: " + settings.topics().incidents() + " does not exist: the report has no incidents");
            }
            if (r.findingsOverCap() > 0) {
                err.println("nfe: " + r.findingsOverCap() + " findings left out: more than " + ReportReader.MAX_WAITING
                        + " waited for their sessions (use --since for a shorter window)");
            }
            if (r.findingsWithoutSession() > 0) {
                err.println("nfe: " + r.findingsWithoutSession() + " findings had no session in the window (it began "
                        + "before --since, or " + settings.topics().sessions() + " no longer keeps it)");
            }
            for (String p : outputs.reportProblems()) {
                err.println("nfe: report: " + p);
                exit = EvidenceOptions.EVIDENCE_MISSING;
            }
            err.println("nfe: " + r.sessions() + " sessions, " + r.findings() + " findings, " + r.incidents()
                    + " incidents read");
        } catch (IOException e) {
            err.println("nfe: cannot write the report to " + file + ": " + e.getMessage());
            Files.deleteIfExists(partial);
            return 1;
        }
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            err.println("nfe: cannot write the report to " + file + ": " + e.getMessage());
            Files.deleteIfExists(partial);
            return 1;
        }
        err.println("nfe: report written to " + file);
        return exit;
    }

    private static void skipped(PrintStream err, long n, String topic, String what) {
        if (n > 0) {
            err.println("nfe: " + n + " record(s) on " + topic + " were not " + what + " and were skipped");
        }
    }

    /**
     * Why {@code file} cannot be written, or null: checked before anything runs, by opening it
     * for appending (which creates it when missing and changes nothing when it exists).
     */
    static String unwritable(Path file) {
        if (Files.isDirectory(file)) {
            return "it is a directory";
        }
        boolean existed = Files.exists(file);
        try (FileOutputStream ignored = new FileOutputStream(file.toFile(), true)) {
            return null;
        } catch (IOException e) {
            return e.getMessage();
        } finally {
            if (!existed) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the run writes it anyway
                }
            }
        }
    }
}
