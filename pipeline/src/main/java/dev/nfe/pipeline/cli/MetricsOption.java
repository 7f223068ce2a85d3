package dev.nfe.pipeline.cli;

import dev.nfe.pipeline.metrics.NfeMetrics;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;

/** {@code --metrics [HOST]:PORT}, shared by the commands that run for a while: Prometheus metrics over HTTP. */
final class MetricsOption {
    private MetricsOption() {
    }

    static Options add(Options o) {
        return o.addOption(Option.builder().longOpt("metrics").hasArg().argName("[HOST]:PORT")
                .desc("serve Prometheus metrics at http://HOST:PORT/metrics (:PORT: every interface; port 0: any free"
                        + " port, logged at start)").get());
    }

    /**
     * The metrics the command line asks for, serving already; null without {@code --metrics}.
     *
     * @throws Command.UsageException when the address is not of the form {@code [HOST]:PORT}
     * @throws IOException            naming the address when it cannot be served on (in use, unknown host)
     */
    static NfeMetrics open(CommandLine cl, String role) throws Command.UsageException, IOException {
        String listen = cl.getOptionValue("metrics");
        if (listen == null) {
            return null;
        }
        try {
            return NfeMetrics.open(role, listen);
        } catch (IllegalArgumentException e) {
            throw new Command.UsageException("--metrics " + e.getMessage());
        }
    }
}
