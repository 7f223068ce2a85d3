package dev.nfe.pipeline.cli;

import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.pipeline.Defaults;
import dev.nfe.pipeline.evidence.EvidenceSpec;
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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * {@code nfe report --out FILE.html CAPTURE...}: replays the captures (as {@code nfe replay} does)
 * into one self-contained HTML file, with {@code --evidence DIR} the pcapng files it names.
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
        return "--out FILE.html CAPTURE...";
    }

    @Override
    String footer() {
        return "\nThe file needs no network to open: styles, the few lines of script and the SVG timelines are inline.\n"
                + "Exit status: 0 ok, 2 bad usage, an input that is not a capture, or FILE / DIR that cannot be "
                + "written (nothing is processed), 3 a capture is damaged (the report shows what was read and says "
                + "so), 5 the report is written but something asked for is missing (an --incident id no incident has, "
                + "evidence that could not be written).";
    }

    @Override
    Options options() {
        return EvidenceOptions.add(new Options()
                        .addOption(Option.builder("o").longOpt("out").hasArg().argName("FILE.html")
                                .desc("the report file to write (required)").get())
                        .addOption(Option.builder().longOpt("incident-gap").hasArg().argName("SECONDS")
                                .desc("quiet time that separates two incidents of one server (default "
                                        + Defaults.INCIDENT_GAP_SECONDS + ")").get())
                        .addOption(Option.builder().longOpt("incident-min").hasArg().argName("N")
                                .desc("smallest group reported as an incident (default " + Defaults.INCIDENT_MIN + ")")
                                .get()),
                "show only these incidents (and write only their evidence); repeat, or separate with commas");
    }

    @Override
    int execute(CommandLine cl, PrintStream out, PrintStream err) throws Exception {
        List<String> files = cl.getArgList();
        String file = cl.getOptionValue("out");
        if (file == null) {
            throw new UsageException("--out FILE.html is required");
        }
        if (files.isEmpty()) {
            throw new UsageException("no capture file given");
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
        EvidenceSpec evidence;
        try {
            evidence = EvidenceOptions.spec(cl, files);
        } catch (EvidenceOptions.Unwritable e) {
            err.println("nfe: " + e.getMessage());
            return 2;
        }
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
