package dev.nfe.pipeline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nfe} command line. */
@Command(name = "nfe", mixinStandardHelpOptions = true, versionProvider = Nfe.Version.class,
        description = "nfe - network forensics engine: finds and explains TLS handshake failures "
                + "(above all, connections reset right after the ClientHello) in packet captures.",
        subcommands = {ReplayCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Nfe implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (for tests and main). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Nfe());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // never a stack trace for a user: one line, exit 1
            cmd.getErr().println("nfe: internal error: " + ex);
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Nfe.class.getPackage().getImplementationVersion();
            return new String[] {"nfe " + (v == null ? "(development build)" : v)};
        }
    }
}
