package dev.nfe.pipeline.cli;

import dev.nfe.pipeline.output.OutputSpec;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** The output options replay, the in-process agent and the findings reader share: --format, --sessions, --out. */
final class OutputOptions {
    private OutputOptions() {
    }

    /** Adds the options; {@code when} qualifies them in the help ("without --kafka: ", or ""). */
    static Options add(Options o, String when) {
        return formatAndOut(o, when).addOption(null, "sessions", false, when + "also write every session, not only failures");
    }

    /** --format and --out only (for outputs that have no sessions to add). */
    static Options formatAndOut(Options o, String when) {
        return o.addOption(Option.builder().longOpt("format").hasArg().argName("text|jsonl")
                        .desc(when + "text (for people, default) or jsonl (the JSON-lines contract)").get())
                .addOption(Option.builder("o").longOpt("out").hasArg().argName("FILE")
                        .desc(when + "write results to FILE instead of standard output").get());
    }

    /**
     * What the user asked for; {@code multipleSources}: several captures or interfaces feed the
     * output; {@code live}: results keep coming until a stop.
     */
    static OutputSpec spec(CommandLine cl, boolean multipleSources, boolean live) throws Command.UsageException {
        OutputSpec.Format format = Command.choice(cl, "format", "text", "text", "jsonl").equals("jsonl")
                ? OutputSpec.Format.JSONL : OutputSpec.Format.TEXT;
        return new OutputSpec(format, cl.hasOption("sessions"), cl.getOptionValue("out"), multipleSources, live);
    }
}
