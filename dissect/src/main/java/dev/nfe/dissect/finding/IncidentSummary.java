package dev.nfe.dissect.finding;

import java.util.Map;

/** The one paragraph an operator reads first. */
final class IncidentSummary {
    private IncidentSummary() {
    }

    static String of(Incident i) {
        StringBuilder sb = new StringBuilder(lead(i));
        if (i.medianAfterHelloMicros() != null && i.kind() != dev.nfe.dissect.report.Outcome.CONNECTION_REFUSED) {
            sb.append(' ').append(FindingFactory.duration(i.medianAfterHelloMicros() * 1000)).append(" (median) after the ClientHello");
        }
        sb.append(' ').append(IncidentGrouper.span(i.firstTsNanos(), i.lastTsNanos()));
        sb.append(", from ").append(i.distinctClients()).append(i.clientsCapped() ? "+" : "").append(
                i.distinctClients() == 1 ? " client address" : " client addresses");
        sb.append("; ").append(formats(i));
        if (i.rstSource() != null) {
            switch (i.rstSource()) {
                case "server_host" -> sb.append("; the RSTs carry the ").append(onlyClient(i) ? "client's" : "server's")
                        .append(" own TTL, so that host sent them");
                case "middlebox" -> sb.append("; the RSTs' TTL differs from the endpoint's: likely injected by a middlebox");
                default -> sb.append("; ").append(i.rstTtlMismatches()).append(" of ")
                        .append(i.rstTtlMatches() + i.rstTtlMismatches()).append(" RSTs have a foreign TTL (possible injection)");
            }
        }
        return sb.toString();
    }

    /** "server 10.0.0.5:443 reset 212 connections", in words that fit the kind. */
    private static String lead(Incident i) {
        String server = "server " + i.server();
        String n = i.count() + (i.count() == 1 ? " connection" : " connections");
        String h = i.count() + (i.count() == 1 ? " handshake" : " handshakes");
        return switch (i.kind()) {
            case RESET_AFTER_CLIENT_HELLO -> onlyClient(i) ? n + " to " + server + " were reset from the client side"
                    : server + " reset " + n;
            case CLOSED_AFTER_CLIENT_HELLO -> server + " closed " + n + " (FIN, no TLS byte)";
            case SERVER_ALERT -> server + " answered " + n + " with an alert";
            case CLIENT_ALERT -> "clients aborted " + h + " with " + server + " with an alert";
            case NON_TLS_RESPONSE -> server + " answered " + n + " with bytes that are not TLS";
            case NO_SERVER_RESPONSE -> server + " never answered " + n;
            case RESET_DURING_HANDSHAKE -> h + " with " + server + " were reset before completing";
            case CLOSED_DURING_HANDSHAKE -> h + " with " + server + " were closed before completing";
            case CONNECTION_REFUSED -> server + " refused " + n;
            default -> n + " to " + server + " were left without a verdict";
        };
    }

    private static boolean onlyClient(Incident i) {
        return i.rstBy().size() == 1 && i.rstBy().containsKey("client");
    }

    private static String formats(Incident i) {
        if (i.helloFormats().size() == 1) {
            String f = i.helloFormats().keySet().iterator().next();
            return i.count() == 1 ? "a " + f + " hello" : "all of them " + f + " hellos";
        }
        StringBuilder sb = new StringBuilder("hellos: ");
        boolean first = true;
        for (Map.Entry<String, Long> e : i.helloFormats().entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getValue()).append(' ').append(e.getKey());
        }
        return sb.toString();
    }
}
