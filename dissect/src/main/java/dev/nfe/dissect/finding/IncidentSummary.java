package dev.nfe.dissect.finding;

import java.util.Map;

/** The one paragraph an operator reads first. */
final class IncidentSummary {
    private IncidentSummary() {
    }

    static String of(Incident i) {
        StringBuilder sb = new StringBuilder();
        sb.append("server ").append(i.server()).append(' ').append(verb(i)).append(' ').append(i.count())
                .append(i.count() == 1 ? " connection" : " connections");
        if (i.medianAfterHelloMicros() != null) {
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

    private static boolean onlyClient(Incident i) {
        return i.rstBy().size() == 1 && i.rstBy().containsKey("client");
    }

    private static String verb(Incident i) {
        return switch (i.kind()) {
            case RESET_AFTER_CLIENT_HELLO -> onlyClient(i) ? "saw clients reset" : "reset";
            case CLOSED_AFTER_CLIENT_HELLO -> "closed (FIN, no TLS byte)";
            case SERVER_ALERT -> "answered with an alert";
            case CLIENT_ALERT -> "had clients abort with an alert on";
            case NON_TLS_RESPONSE -> "answered with non-TLS bytes on";
            case NO_SERVER_RESPONSE -> "never answered";
            case RESET_DURING_HANDSHAKE -> "had resets during the handshake on";
            case CLOSED_DURING_HANDSHAKE -> "had handshakes closed early on";
            case CONNECTION_REFUSED -> "refused";
            default -> "left without a verdict";
        };
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
