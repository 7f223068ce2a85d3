package dev.nfe.dissect.finding;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.Severity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Failures of one kind at one server, close together in time: "server 10.0.0.5:443 reset 212
 * connections 0.3 ms after the ClientHello between 20:12:49 and 20:14:30; all of them
 * SSLv2-format hellos; the RSTs carry the server's own TTL".
 *
 * @param distinctClients         distinct client addresses (counted up to a cap; {@code clientsCapped} when more)
 * @param helloFormats            hello kind ("SSLv2-format TLS 1.0", "TLS 1.3", ...) → count
 * @param snis                    SNI → count (most frequent first, capped; "(none)" for no SNI)
 * @param rstBy                   "server"/"client" → count of first RSTs
 * @param medianAfterHelloMicros  median delay from ClientHello to the reaction, µs (null when none)
 * @param rstTtlMatches           RSTs whose TTL matched their claimed sender's
 * @param rstTtlMismatches        RSTs whose TTL did not (injection suspects)
 * @param rstSource               "server_host", "middlebox", "mixed" or null (no RST evidence)
 */
public record Incident(
        String incidentId,
        Outcome kind,
        Severity severity,
        Endpoint server,
        long firstTsNanos,
        long lastTsNanos,
        long count,
        long distinctClients,
        boolean clientsCapped,
        List<String> sampleClients,
        Map<String, Long> helloFormats,
        Map<String, Long> snis,
        Map<String, Long> rstBy,
        Long medianAfterHelloMicros,
        long rstTtlMatches,
        long rstTtlMismatches,
        String rstSource,
        List<String> captures,
        List<String> sampleFindingIds,
        String summary) {

    public Incident {
        sampleClients = List.copyOf(sampleClients);
        // keep the given order (most frequent first / sorted): Map.copyOf would scramble it
        helloFormats = Collections.unmodifiableMap(new LinkedHashMap<>(helloFormats));
        snis = Collections.unmodifiableMap(new LinkedHashMap<>(snis));
        rstBy = Collections.unmodifiableMap(new LinkedHashMap<>(rstBy));
        captures = List.copyOf(captures);
        sampleFindingIds = List.copyOf(sampleFindingIds);
    }

    /** The same incident with its one-paragraph summary (written from the other fields). */
    public Incident withSummary(String text) {
        return new Incident(incidentId, kind, severity, server, firstTsNanos, lastTsNanos, count, distinctClients,
                clientsCapped, sampleClients, helloFormats, snis, rstBy, medianAfterHelloMicros, rstTtlMatches,
                rstTtlMismatches, rstSource, captures, sampleFindingIds, text);
    }
}
