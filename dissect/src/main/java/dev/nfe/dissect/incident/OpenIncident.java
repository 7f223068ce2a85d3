package dev.nfe.dissect.incident;

import dev.nfe.capture.Endpoint;
import dev.nfe.capture.IpAddress;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.Severity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An incident while it grows: counters and bounded samples of its failures, and the completed
 * handshakes at its server since its first failure. Observations come in event-time order.
 * Completed handshakes after the latest failure wait in "pending" and count only once another
 * failure follows them (ok_during is "between the first and the last failure").
 */
final class OpenIncident {
    private static final int MAX_CLIENTS = 10_000;
    private static final int MAX_DELAYS = 4096;
    private static final int MAX_TIMES = 4096;
    private static final int MAX_SNIS = 50;
    private static final int MAX_SERVERS = 8;
    private static final int SAMPLE = 5;

    final String host;
    final Fault fault;
    private final String firstFindingId;
    /** Known from the first failure on: listeners learn each failure's incident as it joins. */
    final String incidentId;
    private final Endpoint server;
    final long firstTs;
    long lastTs;
    private long count;
    private final EnumMap<FindingKind, Long> kinds = new EnumMap<>(FindingKind.class);
    private Severity severity = Severity.LOW;
    private final List<String> servers = new ArrayList<>(2);
    private Endpoint lastServer;
    private String lastServerName;
    private final Set<IpAddress> clients = new HashSet<>();
    private boolean clientsCapped;
    private final List<String> sampleClients = new ArrayList<>(SAMPLE);
    private final Map<String, Long> formats = new TreeMap<>();
    private final Map<String, Long> snis = new LinkedHashMap<>();
    private final Map<String, Long> rstBy = new TreeMap<>();
    private long[] delays = new long[16];
    private int delayCount;
    private long ttlMatch;
    private long ttlMismatch;
    private long unanswered;
    /** Failure times, the latest MAX_TIMES (a ring once full): enough to find a period over hours. */
    private final long[] times = new long[MAX_TIMES];
    private long timeCount;
    private final List<String> captures = new ArrayList<>(1);
    private final List<String> findingIds = new ArrayList<>(SAMPLE);
    private final FeatureCounts failedHellos = new FeatureCounts();
    private long okDuring;
    private final FeatureCounts okHellos = new FeatureCounts();
    private long pendingOk;
    private final FeatureCounts pendingOkHellos = new FeatureCounts();

    OpenIncident(Observation first) {
        this.host = first.host();
        this.fault = first.fault();
        this.firstFindingId = first.findingId();
        this.server = first.server();
        this.firstTs = first.tsNanos();
        this.lastTs = first.tsNanos();
        this.incidentId = id();
    }

    void failure(Observation o) {
        okDuring += pendingOk;
        okHellos.addAll(pendingOkHellos);
        pendingOk = 0;
        pendingOkHellos.clear();

        count++;
        lastTs = Math.max(lastTs, o.tsNanos());
        kinds.merge(o.kind(), 1L, Long::sum);
        if (o.severity().ordinal() > severity.ordinal()) {
            severity = o.severity();
        }
        if (!o.server().equals(lastServer)) { // one string per server change, not per failure
            lastServer = o.server();
            lastServerName = lastServer.toString();
        }
        if (!servers.contains(lastServerName) && servers.size() < MAX_SERVERS) {
            servers.add(lastServerName);
        }
        if (clients.size() < MAX_CLIENTS) {
            clients.add(o.client().ip());
        } else if (!clients.contains(o.client().ip())) {
            clientsCapped = true;
        }
        if (sampleClients.size() < SAMPLE) {
            String client = o.client().toString();
            if (!sampleClients.contains(client)) {
                sampleClients.add(client);
            }
        }
        formats.merge(o.helloFormat(), 1L, Long::sum);
        String sni = o.sni() == null ? "(none)" : o.sni();
        if (snis.containsKey(sni) || snis.size() < MAX_SNIS) {
            snis.merge(sni, 1L, Long::sum);
        }
        if (o.rstBy() != null) {
            rstBy.merge(o.rstBy().wireName(), 1L, Long::sum);
        }
        if (o.rstTtlMatch() != null) {
            if (o.rstTtlMatch()) {
                ttlMatch++;
            } else {
                ttlMismatch++;
            }
        }
        if (o.unanswered()) {
            unanswered++;
        }
        if (o.afterHelloMicros() != null && delayCount < MAX_DELAYS) {
            if (delayCount == delays.length) {
                delays = Arrays.copyOf(delays, delays.length * 2);
            }
            delays[delayCount++] = o.afterHelloMicros();
        }
        times[(int) (timeCount++ % MAX_TIMES)] = o.tsNanos();
        if (o.capture() != null && !captures.contains(o.capture()) && captures.size() < 16) {
            captures.add(o.capture());
        }
        if (findingIds.size() < SAMPLE) {
            findingIds.add(o.findingId());
        }
        failedHellos.add(o.features());
    }

    /** A handshake at this server completed without a failure, after this incident began. */
    void completed(Observation o) {
        pendingOk++;
        pendingOkHellos.add(o.features());
    }

    long count() {
        return count;
    }

    /**
     * The incident as it stands; {@code end} is the end of what was seen so far (event time), for
     * its state: closed once there has been no failure for {@code gapNanos}, or for several periods.
     */
    Incident snapshot(long end, long gapNanos) {
        long[] t = Arrays.copyOf(times, (int) Math.min(timeCount, MAX_TIMES));
        Recurrence recurrence = PeriodFinder.find(t);
        long quiet = end - lastTs;
        boolean closed = quiet > gapNanos
                || (recurrence != null && quiet > (long) (4 * recurrence.periodS() * 1e9));
        Long median = null;
        if (delayCount > 0) {
            long[] d = Arrays.copyOf(delays, delayCount);
            Arrays.sort(d);
            median = d[delayCount / 2];
        }
        String source = ttlMatch + ttlMismatch == 0 ? null
                : ttlMismatch > 0 && ttlMatch > 0 ? "mixed"
                : ttlMismatch > 0 ? "middlebox"
                : onlyClientSent() ? "client_host" : "server_host";
        Map<String, Long> topSnis = new LinkedHashMap<>();
        snis.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).limit(10).forEach(e -> topSnis.put(e.getKey(), e.getValue()));
        FindingKind main = kinds.entrySet().stream().max(Map.Entry.<FindingKind, Long>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder()))).orElseThrow().getKey();
        double share = count == 0 ? 0 : (double) count / (count + okDuring);
        Incident facts = new Incident(incidentId, fault, main, severity, server, servers, firstTs, lastTs, count, kinds,
                clients.size(), clientsCapped, sampleClients, formats, topSnis, rstBy, median, ttlMatch, ttlMismatch,
                source, unanswered, okDuring, Math.rint(share * 10_000) / 10_000, recurrence,
                Differential.of(failedHellos, okHellos), Differential.contrasts(failedHellos, okHellos), closed ? Incident.State.CLOSED : Incident.State.OPEN, captures,
                findingIds, "");
        return IncidentStory.withSummary(facts);
    }

    private boolean onlyClientSent() {
        return rstBy.size() == 1 && rstBy.containsKey(Role.CLIENT.wireName());
    }

    /** Same server, fault and first finding: the same id on every path and in every run. */
    private String id() {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        byte[] h = sha256.digest((host + "|" + fault.code() + "|" + firstFindingId).getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder(20);
        for (int i = 0; i < 10; i++) {
            sb.append(Character.forDigit((h[i] >> 4) & 0xf, 16)).append(Character.forDigit(h[i] & 0xf, 16));
        }
        return sb.toString();
    }
}
