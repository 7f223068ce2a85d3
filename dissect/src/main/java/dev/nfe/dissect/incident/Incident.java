package dev.nfe.dissect.incident;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.dissect.report.Severity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One fault at one server, in time (DESIGN.md, "Diagnosis ... incidents (contract v2)"): what
 * failed, where, since when, how often (a period, when the failures keep one), what the failed
 * hellos share that the completed ones do not, and who sent the RSTs.
 *
 * @param incidentId      deterministic from the server, the fault and the first finding
 * @param fault           the cause the findings share
 * @param kind            the most frequent finding kind
 * @param server          the server endpoint of the first finding
 * @param servers         every server endpoint of the incident (127.0.0.1 and [::1] on one port are one host)
 * @param kinds           findings per kind
 * @param distinctClients distinct client addresses (counted up to a cap; {@code clientsCapped} when more)
 * @param helloFormats    hello kind ("SSLv2-format TLS 1.0", "TLS 1.3", ...) → failed handshakes
 * @param snis            SNI → failed handshakes (most frequent first, capped; "(none)" for no SNI)
 * @param rstBy           "server"/"client" → findings a RST or FIN of that side decided
 * @param medianAfterHelloMicros median delay from ClientHello to the failure, µs (null when none)
 * @param rstTtlMatches   decisive RSTs/FINs whose TTL matched their sender's
 * @param rstTtlMismatches those whose TTL did not (injection suspects)
 * @param rstSource       "server_host", "client_host", "middlebox", "mixed", or null (no TTL evidence)
 * @param unanswered      findings where a request was waiting
 * @param okDuring        handshakes at this server that completed without a failure between the first
 *                        and the last failure
 * @param failedShare     count / (count + okDuring)
 * @param recurrence      the period the failures fall on, or null (failures at random times)
 * @param discriminators  hello features that separate failed from completed handshakes, strongest
 *                        first; empty when none does
 * @param contrasts       the rows of a differential table, separating or not: for each feature name
 *                        (in {@link Feature#ORDER}), the value whose share differs most between the failed
 *                        and the completed hellos, with both counts; empty when no failure had a hello.
 *                        Not in the JSON-lines contract (the HTML report shows it)
 * @param state           whether the fault looks still under way at the end of what was seen
 */
public record Incident(
        String incidentId,
        Fault fault,
        FindingKind kind,
        Severity severity,
        Endpoint server,
        List<String> servers,
        long firstTsNanos,
        long lastTsNanos,
        long count,
        Map<FindingKind, Long> kinds,
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
        long unanswered,
        long okDuring,
        double failedShare,
        Recurrence recurrence,
        List<Discriminator> discriminators,
        List<Discriminator> contrasts,
        State state,
        List<String> captures,
        List<String> sampleFindingIds,
        String summary) {

    /** The incident without {@code contrasts} (as read back from a record that does not carry them). */
    public Incident(String incidentId, Fault fault, FindingKind kind, Severity severity, Endpoint server,
                    List<String> servers, long firstTsNanos, long lastTsNanos, long count, Map<FindingKind, Long> kinds,
                    long distinctClients, boolean clientsCapped, List<String> sampleClients,
                    Map<String, Long> helloFormats, Map<String, Long> snis, Map<String, Long> rstBy,
                    Long medianAfterHelloMicros, long rstTtlMatches, long rstTtlMismatches, String rstSource,
                    long unanswered, long okDuring, double failedShare, Recurrence recurrence,
                    List<Discriminator> discriminators, State state, List<String> captures,
                    List<String> sampleFindingIds, String summary) {
        this(incidentId, fault, kind, severity, server, servers, firstTsNanos, lastTsNanos, count, kinds,
                distinctClients, clientsCapped, sampleClients, helloFormats, snis, rstBy, medianAfterHelloMicros,
                rstTtlMatches, rstTtlMismatches, rstSource, unanswered, okDuring, failedShare, recurrence,
                discriminators, List.of(), state, captures, sampleFindingIds, summary);
    }

    /** Whether the fault looks still under way at the end of what was seen. */
    public enum State {
        OPEN, CLOSED;

        public String code() {
            return this == OPEN ? "open" : "closed";
        }
    }

    public Incident {
        servers = List.copyOf(servers);
        // keep the given order (kind order, most frequent first, sorted): Map.copyOf would scramble it
        kinds = Collections.unmodifiableMap(new LinkedHashMap<>(kinds));
        sampleClients = List.copyOf(sampleClients);
        helloFormats = Collections.unmodifiableMap(new LinkedHashMap<>(helloFormats));
        snis = Collections.unmodifiableMap(new LinkedHashMap<>(snis));
        rstBy = Collections.unmodifiableMap(new LinkedHashMap<>(rstBy));
        discriminators = List.copyOf(discriminators);
        contrasts = List.copyOf(contrasts);
        captures = List.copyOf(captures);
        sampleFindingIds = List.copyOf(sampleFindingIds);
    }
}
