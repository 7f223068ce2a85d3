package dev.nfe.dissect.finding;

import java.util.Map;

/** The one paragraph an operator reads first. */
final class IncidentSummary {
    private IncidentSummary() {
    }

    static String of(Incident i) {
        StringBuilder sb = new StringBuilder(lead(i));
        if (i.medianAfterHelloMicros() != null && OutcomeMeaning.delayAfterHelloMeaningful(i.kind())) {
            sb.append(' ').append(Phrases.duration(i.medianAfterHelloMicros() * 1000)).append(" (median) after the ClientHello");
        }
        sb.append(' ').append(Phrases.span(i.firstTsNanos(), i.lastTsNanos()));
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
        return OutcomeMeaning.incidentLead(i.kind(), "server " + i.server(), i.count(), onlyClient(i));
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
