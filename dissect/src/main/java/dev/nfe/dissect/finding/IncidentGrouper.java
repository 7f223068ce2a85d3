package dev.nfe.dissect.finding;

import dev.nfe.capture.Endpoint;
import dev.nfe.capture.IpAddress;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.RstEvidence;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.dissect.report.Severity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Groups findings into {@link Incident}s: same server, same kind, no more than {@code gapNanos}
 * of event time between consecutive failures. Memory is bounded: at most {@code maxOpen} groups
 * are open (the least recently active is closed early beyond that) and each keeps only counters
 * and small samples. Findings must arrive in a deterministic order (the replay merge order).
 */
public final class IncidentGrouper {
    private static final int MAX_CLIENTS = 10_000;
    private static final int MAX_DELAYS = 4096;
    private static final int MAX_SNIS = 50;
    private static final int SAMPLE = 5;

    private final long gapNanos;
    private final int minCount;
    private final int maxOpen;
    private final LinkedHashMap<Key, Group> open = new LinkedHashMap<>(64, 0.75f, true);
    private final MessageDigest sha256;

    private record Key(Endpoint server, Outcome kind) {
        // written out: the record default bootstraps through invokedynamic, slow in short runs
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.kind == kind && k.server.equals(server);
        }

        @Override
        public int hashCode() {
            return server.hashCode() * 31 + kind.ordinal();
        }
    }

    /**
     * @param gapNanos  quiet time after which a server's failures of one kind form a new incident
     * @param minCount  groups smaller than this are dropped when closed (a single failure is a finding, not an incident)
     * @param maxOpen   open groups kept at once
     */
    public IncidentGrouper(long gapNanos, int minCount, int maxOpen) {
        this.gapNanos = gapNanos;
        this.minCount = minCount;
        this.maxOpen = maxOpen;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** Adds one failure; returns the incidents this closed (possibly empty). */
    public List<Incident> add(SessionRecord s, Finding f) {
        List<Incident> closed = new ArrayList<>(0);
        long ts = f.tsNanos();
        // close groups that have been quiet for longer than the gap (least recently active first)
        Iterator<Map.Entry<Key, Group>> it = open.entrySet().iterator();
        while (it.hasNext()) {
            Group g = it.next().getValue();
            if (ts - g.lastTs <= gapNanos) {
                break;
            }
            it.remove();
            close(g, closed);
        }
        Key key = new Key(f.server(), f.kind());
        Group g = open.get(key);
        if (g == null) {
            if (open.size() >= maxOpen) {
                Iterator<Map.Entry<Key, Group>> oldest = open.entrySet().iterator();
                Group victim = oldest.next().getValue();
                oldest.remove();
                close(victim, closed);
            }
            g = new Group(key, ts);
            open.put(key, g);
        }
        g.add(s, f);
        return closed;
    }

    /** End of input: closes every open group. */
    public List<Incident> finish() {
        List<Incident> closed = new ArrayList<>();
        List<Group> groups = new ArrayList<>(open.values());
        open.clear();
        groups.sort(Comparator.comparingLong((Group g) -> g.firstTs).thenComparing(g -> g.key.server()));
        for (Group g : groups) {
            close(g, closed);
        }
        return closed;
    }

    private void close(Group g, List<Incident> out) {
        if (g.count >= minCount) {
            out.add(g.toIncident());
        }
    }

    private final class Group {
        final Key key;
        final long firstTs;
        long lastTs;
        long count;
        Severity severity = Severity.LOW;
        final Set<IpAddress> clients = new HashSet<>();
        boolean clientsCapped;
        final List<String> sampleClients = new ArrayList<>(SAMPLE);
        final Map<String, Long> formats = new TreeMap<>();
        final Map<String, Long> snis = new LinkedHashMap<>();
        final Map<String, Long> rstBy = new TreeMap<>();
        long[] delays = new long[16];
        int delayCount;
        long ttlMatch;
        long ttlMismatch;
        final List<String> captures = new ArrayList<>(1);
        final List<String> findingIds = new ArrayList<>(SAMPLE);

        Group(Key key, long ts) {
            this.key = key;
            this.firstTs = ts;
            this.lastTs = ts;
        }

        void add(SessionRecord s, Finding f) {
            count++;
            lastTs = Math.max(lastTs, f.tsNanos());
            if (f.severity().ordinal() > severity.ordinal()) {
                severity = f.severity();
            }
            IpAddress client = s.client().ip();
            if (clients.size() < MAX_CLIENTS) {
                clients.add(client);
            } else if (!clients.contains(client)) {
                clientsCapped = true;
            }
            if (sampleClients.size() < SAMPLE) {
                String c = s.client().toString();
                if (!sampleClients.contains(c)) {
                    sampleClients.add(c);
                }
            }
            formats.merge(Phrases.helloFormat(s.clientHello()), 1L, Long::sum);
            String sni = s.sni() == null ? "(none)" : s.sni();
            if (snis.containsKey(sni) || snis.size() < MAX_SNIS) {
                snis.merge(sni, 1L, Long::sum);
            }
            RstEvidence r = s.rst();
            // RST provenance speaks only for the kinds a RST decided
            if (r != null && OutcomeMeaning.decidedByRst(key.kind())) {
                rstBy.merge(r.by().wireName(), 1L, Long::sum);
                if (r.senderTtl() != null) {
                    if (r.injectedSuspect()) {
                        ttlMismatch++;
                    } else {
                        ttlMatch++;
                    }
                }
            }
            if (s.clientHello() != null && delayCount < MAX_DELAYS) {
                long reactionTs = f.tsNanos();
                long d = Math.max(0, reactionTs - s.clientHello().tsNanos()) / 1000;
                if (delayCount == delays.length) {
                    delays = Arrays.copyOf(delays, delays.length * 2);
                }
                delays[delayCount++] = d;
            }
            if (f.capture() != null && !captures.contains(f.capture()) && captures.size() < 16) {
                captures.add(f.capture());
            }
            if (findingIds.size() < SAMPLE) {
                findingIds.add(f.findingId());
            }
        }

        Incident toIncident() {
            Long median = null;
            if (delayCount > 0) {
                long[] d = Arrays.copyOf(delays, delayCount);
                Arrays.sort(d);
                median = d[delayCount / 2];
            }
            String source = ttlMatch + ttlMismatch == 0 ? null
                    : ttlMismatch == 0 ? "server_host" : ttlMatch == 0 ? "middlebox" : "mixed";
            Map<String, Long> topSnis = new LinkedHashMap<>();
            snis.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                    .thenComparing(Map.Entry.comparingByKey())).limit(10)
                    .forEach(e -> topSnis.put(e.getKey(), e.getValue()));
            Incident facts = new Incident(id(), key.kind(), severity, key.server(), firstTs, lastTs, count,
                    clients.size(), clientsCapped, sampleClients, formats, topSnis, rstBy, median, ttlMatch,
                    ttlMismatch, source, captures, findingIds, "");
            return facts.withSummary(IncidentSummary.of(facts));
        }

        private String id() {
            byte[] h = sha256.digest((key.server() + "|" + key.kind().code() + "|" + firstTs)
                    .getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder(20);
            for (int i = 0; i < 10; i++) {
                sb.append(Character.forDigit((h[i] >> 4) & 0xf, 16)).append(Character.forDigit(h[i] & 0xf, 16));
            }
            return sb.toString();
        }
    }
}
