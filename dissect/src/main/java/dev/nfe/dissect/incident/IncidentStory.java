package dev.nfe.dissect.incident;

import dev.nfe.dissect.finding.OutcomeMeaning;
import dev.nfe.dissect.finding.Phrases;
import dev.nfe.dissect.report.FindingKind;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paragraph an operator reads first: what, where, since when, how often, what the failed
 * hellos share, who sent the RSTs. Every switch is exhaustive over {@link Fault}: a new fault makes
 * the compiler name what must be said about it (what each finding kind means is
 * {@link OutcomeMeaning}'s).
 */
final class IncidentStory {
    private IncidentStory() {
    }

    static Incident withSummary(Incident i) {
        return new Incident(i.incidentId(), i.fault(), i.kind(), i.severity(), i.server(), i.servers(),
                i.firstTsNanos(), i.lastTsNanos(), i.count(), i.kinds(), i.distinctClients(), i.clientsCapped(),
                i.sampleClients(), i.helloFormats(), i.snis(), i.rstBy(), i.medianAfterHelloMicros(), i.rstTtlMatches(),
                i.rstTtlMismatches(), i.rstSource(), i.unanswered(), i.okDuring(), i.failedShare(), i.recurrence(),
                i.discriminators(), i.contrasts(), i.state(), i.captures(), i.sampleFindingIds(), of(i));
    }

    static String of(Incident i) {
        StringBuilder sb = new StringBuilder();
        sb.append(lead(i)).append(' ').append(Phrases.span(i.firstTsNanos(), i.lastTsNanos()));
        sb.append(i.state() == Incident.State.OPEN ? " (still going on at the end of the capture)" : "");
        if (i.kinds().size() > 1 || i.fault() == Fault.SERVER_DROP) {
            sb.append(": ").append(kinds(i));
        }
        if (i.count() >= PeriodFinder.MIN_EVENTS) {
            sb.append(". ").append(recurrence(i));
        }
        if (i.okDuring() == 0) {
            sb.append(". No handshake at this server completed meanwhile: nothing to compare the failed hellos with");
        } else {
            sb.append(". ").append(plural(i.okDuring(), "handshake")).append(" completed meanwhile");
            sb.append(". ").append(differential(i));
        }
        String rst = rstSource(i);
        if (!rst.isEmpty()) {
            sb.append(". ").append(rst);
        }
        return sb.append('.').toString();
    }

    /** "server 10.0.0.5:443 dropped 12 connections". */
    private static String lead(Incident i) {
        String server = "server " + i.server() + (i.servers().size() > 1 ? " (also " + String.join(", ",
                i.servers().subList(1, i.servers().size())) + ")" : "");
        String n = plural(i.count(), "connection");
        String h = plural(i.count(), "handshake");
        return switch (i.fault()) {
            case SERVER_DROP -> server + " dropped " + n + " (RST, or FIN without close_notify)";
            case MIDDLEBOX_RESET -> n + " to " + server + " were reset by RSTs whose TTL says a middlebox sent them";
            case CLIENT_RESET -> n + " to " + server + " were reset from the client side";
            case SERVER_CLOSE -> server + " closed " + n + " (FIN) right after the ClientHello, without a TLS byte";
            case CLIENT_ABANDON -> "clients closed " + h + " with " + server + " before they completed";
            case SERVER_ALERT -> server + " refused " + h + " with an alert";
            case CLIENT_ALERT -> "clients aborted " + h + " with " + server + " with an alert";
            case NON_TLS -> server + " answered " + n + " with bytes that are not TLS";
            case SILENCE -> server + " never answered " + plural(i.count(), "ClientHello");
            case REFUSED -> server + " refused " + n + " (RST to SYN)";
        };
    }

    /** "5 reset after the handshake (3 with a request waiting), 2 closed mid-handshake". */
    private static String kinds(Incident i) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<FindingKind, Long> e : i.kinds().entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getValue()).append(' ').append(OutcomeMeaning.shortly(e.getKey()));
        }
        if (i.unanswered() > 0) {
            sb.append("; ").append(i.unanswered()).append(i.unanswered() == 1 ? " of them with a request waiting"
                    : " of them with requests waiting");
        }
        return sb.toString();
    }

    /** "Every 5.00 s (±0.02 s; 12 events over 16 cycles, 5 missed): a crash loop". */
    private static String recurrence(Incident i) {
        Recurrence r = i.recurrence();
        if (r == null) {
            return i.count() < PeriodFinder.MIN_EVENTS ? "Too few failures to tell whether they recur"
                    : "No period: the failures come at irregular times";
        }
        return String.format(Locale.ROOT, "Every %.2f s (±%.2f s; %d events over %d cycles, %d missed): %s",
                r.periodS(), r.jitterS(), r.events(), r.cycles(), r.missedCycles(),
                i.fault() == Fault.SERVER_DROP ? "a crash loop" : "a periodic fault");
    }

    /** "All 48 failed hellos were SSLv2-format; none of the 227 completed ones". */
    private static String differential(Incident i) {
        List<Discriminator> ds = i.discriminators();
        if (ds.isEmpty()) {
            return String.format(Locale.ROOT, "No feature of the ClientHello separates failed from completed handshakes"
                    + " (failures %.0f%% of all): %s", i.failedShare() * 100, notTheHello(i.fault()));
        }
        Discriminator d = ds.get(0);
        String what = property(d.feature(), d.negated() ? d.value().substring(1) : d.value());
        String first;
        if (d.negated()) {
            long failedWith = d.failedOf() - d.failed();
            long okWith = d.okOf() - d.ok();
            first = capitalised(failedWith == 0 ? "none of the " + plural(d.failedOf(), "failed hello")
                    : failedWith + " of " + plural(d.failedOf(), "failed hello")) + " " + what + "; "
                    + (okWith == d.okOf() ? "all " + d.okOf() : okWith + " of the " + d.okOf()) + " completed ones did";
        } else {
            first = capitalised(share(d.failed(), d.failedOf(), "failed hello")) + " " + what + "; "
                    + shareOf(d.ok(), d.okOf(), "completed ones");
        }
        if (ds.size() > 1) {
            Discriminator e = ds.get(1);
            first += " (also " + e.feature() + " " + e.value() + (ds.size() > 2 ? ", and " + (ds.size() - 2) + " more" : "")
                    + ")";
        }
        return first + String.format(Locale.ROOT, " (failures %.0f%% of all): the failures follow the client's hello",
                i.failedShare() * 100);
    }

    /** What it means that nothing in the hello separates the failures, for this fault. */
    private static String notTheHello(Fault f) {
        return switch (f) {
            case SERVER_DROP, SERVER_CLOSE, SERVER_ALERT, NON_TLS, SILENCE, REFUSED ->
                    "a server-side fault, not triggered by the client";
            case MIDDLEBOX_RESET -> "whatever resets them does not pick by the hello";
            case CLIENT_RESET, CLIENT_ABANDON, CLIENT_ALERT -> "the clients' reasons are not in their hellos";
        };
    }

    private static String property(String feature, String value) {
        return switch (feature) {
            case "hello_format" -> value.equals("sslv2") ? "were SSLv2-format" : "were TLS-format";
            case "offered_version" -> "offered at most " + value;
            case "sni" -> value.equals("(none)") ? "had no SNI" : "had SNI " + value;
            case "alpn" -> "offered ALPN " + value;
            case "cipher_suite" -> "offered cipher " + value;
            case "extension" -> "carried extension " + value;
            case "ja3" -> "had JA3 " + value;
            case "ja4" -> "had JA4 " + value;
            case "client_net" -> "came from " + value;
            default -> "had " + feature + " " + value;
        };
    }

    /** "all 48 failed hellos", "45 of 48 failed hellos". */
    private static String share(long n, long of, String noun) {
        return (n == of ? "all " + of : n + " of " + of) + " " + noun + (of == 1 ? "" : "s");
    }

    /** "none of the 227 completed ones", "3 of the 227 completed ones". */
    private static String shareOf(long n, long of, String noun) {
        return (n == 0 ? "none" : n) + " of the " + of + " " + noun;
    }

    /** "RSTs carry the server's own TTL, so that host sent them". */
    private static String rstSource(Incident i) {
        if (i.rstSource() == null) {
            return "";
        }
        return switch (i.rstSource()) {
            case "server_host" -> "The RSTs and FINs carry the server's own TTL, so that host sent them";
            case "client_host" -> "The RSTs carry the client's own TTL, so that host sent them";
            case "middlebox" -> "The RSTs' TTL differs from the endpoint's: likely injected by a middlebox";
            default -> i.rstTtlMismatches() + " of " + (i.rstTtlMatches() + i.rstTtlMismatches())
                    + " RSTs have a foreign TTL (possible injection)";
        };
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
