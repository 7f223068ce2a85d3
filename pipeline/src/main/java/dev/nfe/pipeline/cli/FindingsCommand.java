package dev.nfe.pipeline.cli;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.pipeline.kafka.KafkaSettings;
import dev.nfe.pipeline.kafka.findings.FindingFilter;
import dev.nfe.pipeline.kafka.findings.FindingsReader;
import dev.nfe.pipeline.output.OutputSpec;
import dev.nfe.pipeline.output.Outputs;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code nfe findings --kafka HOST:PORT}: prints the findings the dissectors committed, and the
 * incidents the incidents app committed (the latest record of each server host), as replay does.
 */
final class FindingsCommand extends Command {

    @Override
    String name() {
        return "findings";
    }

    @Override
    String summary() {
        return "print findings and incidents from Kafka (committed results only), the way replay prints them";
    }

    @Override
    String operands() {
        return "--kafka HOST:PORT";
    }

    @Override
    String footer() {
        return "\nWithout --follow, stops at the end of the topics as they were at the start; with it, an incident is"
                + " printed again each time it changes. Exit status 0 ok, 2 bad usage, 4 the cluster or a topic cannot"
                + " be read.";
    }

    @Override
    Options options() {
        return KafkaOptions.add(OutputOptions.formatAndOut(new Options(), "")
                .addOption(null, "follow", false, "keep printing new findings as they are committed, until interrupted"
                        + " (without it, findings are printed in time order)")
                .addOption(null, "no-incidents", false, "findings only: do not read the incidents topic")
                .addOption(Option.builder().longOpt("since").hasArg().argName("TIME")
                        .desc("only failures at or after TIME: ISO-8601 (2026-11-21T10:00:00Z) or an age"
                                + " (90s, 15m, 2h, 7d)").get())
                .addOption(Option.builder().longOpt("outcome").hasArgs().valueSeparator(',').argName("OUTCOME")
                        .desc("only findings of these kinds, e.g. RESET_AFTER_CLIENT_HELLO, RESET_AFTER_HANDSHAKE (repeat or comma-separate)").get())
                .addOption(Option.builder().longOpt("server").hasArg().argName("HOST:PORT")
                        .desc("only failures at this server (10.0.0.5:443, [2001:db8::1]:443)").get()));
    }

    @Override
    int execute(CommandLine cl, PrintStream out, PrintStream err) throws Exception {
        KafkaSettings settings = KafkaOptions.settings(cl);
        OutputSpec spec = OutputOptions.spec(cl, false, cl.hasOption("follow"));
        FindingFilter filter = new FindingFilter(since(cl.getOptionValue("since")), outcomes(cl), server(cl));
        boolean follow = cl.hasOption("follow");
        boolean incidents = !cl.hasOption("no-incidents");
        FindingsReader reader = new FindingsReader(settings);
        Signals.onTerminate(reader::stop);
        try (Outputs outputs = Outputs.open(spec)) {
            ResultSink sink = outputs.sink();
            Counts counts = new Counts();
            // Partitions interleave arbitrarily; without --follow the findings are printed in time
            // order, sorted in batches of at most SORT_BATCH (bounded memory).
            List<Finding> batch = new ArrayList<>();
            HostIncidentsView view = new HostIncidentsView(filter, follow ? sink : null);
            reader.read(filter, follow, incidents, new FindingsReader.Handler() {
                @Override
                public void finding(Finding f) throws IOException {
                    counts.add(f);
                    if (follow) {
                        sink.finding(f);
                        sink.flush(); // a person is watching
                        return;
                    }
                    batch.add(f);
                    if (batch.size() == SORT_BATCH) {
                        printSorted(batch, sink);
                    }
                }

                @Override
                public void hostIncidents(String host, List<Incident> list) throws IOException {
                    view.host(host, list);
                }
            });
            printSorted(batch, sink);
            long shown = view.printAll(sink);
            if (spec.format() == OutputSpec.Format.TEXT) {
                sink.summary(counts.summary());
                outputs.println("(" + counts.total + " findings on " + settings.topics().findings()
                        + (incidents ? ", " + shown + " incidents on " + settings.topics().incidents() : "")
                        + "; the table counts findings only, every session is on " + settings.topics().sessions() + ")");
            }
            outputs.flush();
            if (reader.undecodable() > 0) {
                err.println("nfe: " + reader.undecodable() + " record(s) on " + settings.topics().findings()
                        + " were not findings and were skipped");
            }
            if (reader.undecodableIncidents() > 0) {
                err.println("nfe: " + reader.undecodableIncidents() + " record(s) on " + settings.topics().incidents()
                        + " were not host records and were skipped");
            }
            return 0;
        } catch (IOException e) {
            err.println("nfe: " + e.getMessage());
            return 4;
        }
    }

    private static final int SORT_BATCH = 1_000_000;

    private static void printSorted(List<Finding> batch, ResultSink sink) throws IOException {
        batch.sort(Comparator.comparingLong(Finding::tsNanos).thenComparing(Finding::findingId));
        for (Finding f : batch) {
            sink.finding(f);
        }
        batch.clear();
    }

    static long since(String v) throws UsageException {
        if (v == null) {
            return Long.MIN_VALUE;
        }
        String t = v.trim();
        try {
            if (t.matches("\\d+[smhd]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                Duration d = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                Instant at = Instant.now().minus(d);
                return at.getEpochSecond() * 1_000_000_000L + at.getNano();
            }
            Instant at = Instant.parse(t);
            return at.getEpochSecond() * 1_000_000_000L + at.getNano();
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new UsageException("--since needs an ISO-8601 time (2026-11-21T10:00:00Z) or an age (15m), not '" + v + "'");
        }
    }

    private static Set<FindingKind> outcomes(CommandLine cl) throws UsageException {
        String[] vs = cl.getOptionValues("outcome");
        if (vs == null) {
            return Set.of();
        }
        Set<FindingKind> set = EnumSet.noneOf(FindingKind.class);
        for (String v : vs) {
            try {
                set.add(FindingKind.valueOf(v.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--outcome " + v + ": not a finding kind (one of "
                        + List.of(FindingKind.values()) + ")");
            }
        }
        return set;
    }

    private static Endpoint server(CommandLine cl) throws UsageException {
        String v = cl.getOptionValue("server");
        if (v == null) {
            return null;
        }
        try {
            return Endpoint.parse(v.trim());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--server needs HOST:PORT with an IP address, not '" + v + "'");
        }
    }

    /**
     * The incidents topic as it stands: the latest record per host. Without follow they are printed
     * at the end (by first failure, as one list); with it, each incident as it appears or changes.
     */
    private static final class HostIncidentsView {
        private final FindingFilter filter;
        private final ResultSink live;
        private final Map<String, List<Incident>> hosts = new HashMap<>();
        private static final int MAX_REMEMBERED = 100_000;
        private final Map<String, Incident> printed = new HashMap<>();

        HostIncidentsView(FindingFilter filter, ResultSink live) {
            this.filter = filter;
            this.live = live;
        }

        void host(String host, List<Incident> list) throws IOException {
            if (live == null) {
                if (list.isEmpty()) {
                    hosts.remove(host);
                } else {
                    hosts.put(host, list);
                }
                return;
            }
            if (printed.size() > MAX_REMEMBERED) {
                printed.clear(); // bounded: an unchanged incident may then be printed once more
            }
            for (Incident i : list) {
                if (filter.accepts(i) && !i.equals(printed.get(i.incidentId()))) {
                    printed.put(i.incidentId(), i);
                    live.incident(i);
                    live.flush();
                }
            }
        }

        /** Returns how many were printed. */
        long printAll(ResultSink sink) throws IOException {
            if (live != null) {
                return printed.size();
            }
            List<Incident> all = new ArrayList<>();
            hosts.values().forEach(l -> l.stream().filter(filter::accepts).forEach(all::add));
            all.sort(Comparator.comparingLong(Incident::firstTsNanos).thenComparing(Incident::incidentId));
            for (Incident i : all) {
                sink.incident(i);
            }
            return all.size();
        }
    }

    /** Per-server counts of what was printed, for the closing table. */
    private static final class Counts {
        final Map<String, Long> outcomes = new TreeMap<>();
        final Map<String, Map<String, Long>> servers = new LinkedHashMap<>();
        long total;

        void add(Finding f) {
            total++;
            outcomes.merge(f.kind().name(), 1L, Long::sum);
            if (servers.size() < 10_000 || servers.containsKey(f.server().toString())) {
                servers.computeIfAbsent(f.server().toString(), k -> new TreeMap<>()).merge(f.kind().name(), 1L, Long::sum);
            }
        }

        RunSummary summary() {
            Map<String, Map<String, Long>> busiestFirst = new LinkedHashMap<>();
            servers.entrySet().stream()
                    .sorted((a, b) -> Long.compare(sum(b.getValue()), sum(a.getValue())))
                    .forEach(e -> busiestFirst.put(e.getKey(), e.getValue()));
            return new RunSummary(outcomes, busiestFirst, servers.size() >= 10_000, List.of(), Map.of("findings", total));
        }

        private static long sum(Map<String, Long> m) {
            return m.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
