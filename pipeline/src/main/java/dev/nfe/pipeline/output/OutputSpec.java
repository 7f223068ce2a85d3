package dev.nfe.pipeline.output;

/**
 * What a command's user asked for as output.
 *
 * @param format          text for people, or the JSON-lines contract
 * @param sessions        JSON lines: every session too, not only findings
 * @param outFile         a file to write to, or null for standard output
 * @param multipleSources text: the results come from several captures or interfaces (each gets a heading)
 * @param live            results keep coming until a stop (a live agent): text is written as it
 *                        comes, not held for a story at the end
 */
public record OutputSpec(Format format, boolean sessions, String outFile, boolean multipleSources, boolean live) {

    public enum Format {
        TEXT, JSONL
    }
}
