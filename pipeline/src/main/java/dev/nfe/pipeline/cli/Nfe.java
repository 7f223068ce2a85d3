package dev.nfe.pipeline.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code nfe} command line: {@code nfe COMMAND [OPTIONS] ...}. Exit status 0 on success,
 * 1 on an internal error, 2 on bad usage or input that is not a capture, 3 when a capture is
 * damaged. Never a stack trace for a user.
 */
public final class Nfe {
    private static final List<Command> COMMANDS = List.of(new ReplayCommand(), new AgentCommand(), new DissectCommand(),
            new FindingsCommand(), new ReportCommand(), new BenchCommand(), new KafkaBenchCommand());

    private Nfe() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (main calls this; so can tests). */
    public static int run(String... args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            if (args.length > 1 && args[0].equals("help")) {
                return run(args[1], "--help");
            }
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("-V") || args[0].equals("--version")) {
            out.println(version());
            return 0;
        }
        for (Command c : COMMANDS) {
            if (c.name().equals(args[0])) {
                try {
                    return c.run(Arrays.copyOfRange(args, 1, args.length), out, err);
                } catch (Exception | Error e) {
                    err.println("nfe: internal error: " + e);
                    return 1;
                }
            }
        }
        err.println("nfe: unknown command '" + args[0] + "' (nfe --help lists them)");
        return 2;
    }

    static String version() {
        String v = Nfe.class.getPackage().getImplementationVersion();
        return "nfe " + (v == null ? "(development build)" : v);
    }

    private static void usage(PrintStream ps) {
        ps.println("usage: nfe COMMAND [OPTIONS]");
        ps.println();
        ps.println("nfe - network forensics engine: finds and explains TLS handshake failures (above all,");
        ps.println("connections reset right after the ClientHello) in packet captures.");
        ps.println();
        ps.println("commands:");
        for (Command c : COMMANDS) {
            ps.printf("  %-12s %s%n", c.name(), c.summary());
        }
        ps.println();
        ps.println("nfe COMMAND --help describes a command's options; nfe --version prints the version.");
    }
}
