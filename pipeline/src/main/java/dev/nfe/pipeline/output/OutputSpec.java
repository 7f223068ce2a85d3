package dev.nfe.pipeline.output;

import dev.nfe.pipeline.evidence.EvidenceSpec;
import dev.nfe.pipeline.report.ReportSpec;

/**
 * What a command's user asked for as output.
 *
 * @param format          text for people, or the JSON-lines contract
 * @param sessions        JSON lines: every session too, not only findings
 * @param outFile         a file to write to, or null for standard output
 * @param multipleSources text: the results come from several captures or interfaces (each gets a heading)
 * @param live            results keep coming until a stop (a live agent): text is written as it
 *                        comes, not held for a story at the end
 * @param evidence        {@code --evidence}: the pcapng files per incident, or null
 * @param report          what the HTML report shows besides the results (format HTML), or null
 */
public record OutputSpec(Format format, boolean sessions, String outFile, boolean multipleSources, boolean live,
                         EvidenceSpec evidence, ReportSpec report) {

    public enum Format {
        TEXT, JSONL, HTML
    }

    public OutputSpec(Format format, boolean sessions, String outFile, boolean multipleSources, boolean live) {
        this(format, sessions, outFile, multipleSources, live, null, null);
    }

    public OutputSpec withEvidence(EvidenceSpec e) {
        return new OutputSpec(format, sessions, outFile, multipleSources, live, e, report);
    }

    /** The HTML report to {@code outFile}. */
    public static OutputSpec html(String outFile, ReportSpec report) {
        return new OutputSpec(Format.HTML, true, outFile, false, false, null, report);
    }
}
