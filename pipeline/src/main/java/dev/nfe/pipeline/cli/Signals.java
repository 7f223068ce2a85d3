package dev.nfe.pipeline.cli;

import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT as requests to finish: the long-running commands stop their loop, commit
 * or flush, and exit 0 from main, instead of the JVM's default of running shutdown hooks and
 * exiting 143/130 (which a service manager reads as a failure). Uses {@code sun.misc.Signal}
 * (module jdk.unsupported, present in every JDK); where it is missing, a shutdown hook still
 * stops the loop, only the exit status is then the JVM's.
 */
final class Signals {
    private Signals() {
    }

    static void onTerminate(Runnable stop) {
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stop.run());
            }
        } catch (IllegalArgumentException | LinkageError e) {
            LoggerFactory.getLogger(Signals.class).debug("no signal handlers ({}), using a shutdown hook", e.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(stop, "nfe-shutdown"));
        }
    }
}
