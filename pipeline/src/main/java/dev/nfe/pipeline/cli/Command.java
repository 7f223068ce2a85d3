package dev.nfe.pipeline.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * One {@code nfe} subcommand: its options, its help, and what it does. Parsing errors become a
 * one-line message and exit status 2.
 */
abstract class Command {

    abstract String name();

    /** One line for {@code nfe --help}. */
    abstract String summary();

    /** "FILE..." and the like, for the usage line. */
    abstract String operands();

    /** Text printed after the options in {@code --help}. */
    String footer() {
        return "";
    }

    abstract Options options();

    /** Runs with parsed arguments; returns the exit status. */
    abstract int execute(CommandLine cl, PrintStream out, PrintStream err) throws Exception;

    final int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Options options = options();
        options.addOption(null, "help", false, "show this help and exit");
        CommandLine cl;
        try {
            cl = DefaultParser.builder().setStripLeadingAndTrailingQuotes(false).build().parse(options, args);
        } catch (ParseException e) {
            err.println("nfe " + name() + ": " + e.getMessage() + " (nfe " + name() + " --help shows the options)");
            return 2;
        }
        if (cl.hasOption("help")) {
            help(options, out);
            return 0;
        }
        try {
            return execute(cl, out, err);
        } catch (UsageException e) {
            err.println("nfe " + name() + ": " + e.getMessage() + " (nfe " + name() + " --help shows the options)");
            return 2;
        } catch (Refused e) {
            err.println("nfe: " + e.getMessage());
            return 2;
        }
    }

    private void help(Options options, PrintStream out) {
        HelpFormatter f = HelpFormatter.builder().get();
        f.setWidth(100);
        PrintWriter w = new PrintWriter(out);
        f.printHelp(w, 100, "nfe " + name() + " [OPTIONS] " + operands(), summary(), options, 2, 2, footer(), false);
        w.flush();
    }

    /** A value the user gave that does not fit. */
    /**
     * The options are right but something they name cannot be used (a directory that cannot be
     * written): one line, status 2, and nothing has run.
     */
    static class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static int intOption(CommandLine cl, String name, int def, int min) throws UsageException {
        return Math.toIntExact(numberOption(cl, name, def, min, Integer.MAX_VALUE));
    }

    static long longOption(CommandLine cl, String name, long def, long min) throws UsageException {
        return numberOption(cl, name, def, min, Long.MAX_VALUE);
    }

    private static long numberOption(CommandLine cl, String name, long def, long min, long max)
            throws UsageException {
        String v = cl.getOptionValue(name);
        if (v == null) {
            return def;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a whole number, not '" + v + "'");
        }
        if (n < min) {
            throw new UsageException("--" + name + " must be at least " + min + ", not " + v);
        }
        if (n > max) {
            throw new UsageException("--" + name + " must be at most " + max + ", not " + v);
        }
        return n;
    }

    static String choice(CommandLine cl, String name, String def, String... allowed) throws UsageException {
        String v = cl.getOptionValue(name, def).toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return a;
            }
        }
        throw new UsageException("--" + name + " must be one of " + String.join(", ", allowed) + ", not '" + v + "'");
    }
}
