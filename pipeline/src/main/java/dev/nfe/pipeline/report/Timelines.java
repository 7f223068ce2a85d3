package dev.nfe.pipeline.report;

import dev.nfe.dissect.report.FindingKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the timelines are drawn from, in bounded memory whatever the capture's length: per server
 * host, completed handshakes and failures by kind counted in time buckets, and the exact time of
 * each failure (up to {@link #MAX_TICKS} per server; the buckets still count the rest). All
 * servers share one bucket grid so that their timelines line up: it starts at 100 ms and doubles
 * its width (merging pairs) whenever the time seen would need more than {@link #MAX_BUCKETS}
 * buckets. At most {@link #MAX_SERVERS} servers are followed (later ones are counted only).
 */
final class Timelines {
    static final int MAX_SERVERS = 256;
    static final int MAX_BUCKETS = 240;
    static final int MAX_TICKS = 2000;
    private static final long START_WIDTH = 100_000_000L;
    /** Bucket slot 0: completed handshakes; 1 + kind ordinal: failures of that kind. */
    private static final int SLOTS = 1 + FindingKind.values().length;

    /** One server host's series. */
    static final class Series {
        final String host;
        final String label;
        /** Every endpoint of this host seen (127.0.0.1:443 and [::1]:443 are one host), up to 8. */
        final List<String> endpoints = new ArrayList<>(2);
        Map<Long, int[]> buckets = new HashMap<>();
        long[] tickTs = new long[16];
        byte[] tickKind = new byte[16];
        int ticks;
        long ticksDropped;
        long failures;
        long completed;

        Series(String host, String label) {
            this.host = host;
            this.label = label;
            endpoints.add(label);
        }

        void endpoint(String e) {
            if (endpoints.size() < 8 && !endpoints.contains(e)) {
                endpoints.add(e);
            }
        }

        /** The failure times kept, with their kinds. */
        int ticks() {
            return ticks;
        }

        long tick(int i) {
            return tickTs[i];
        }

        FindingKind tickKind(int i) {
            return FindingKind.values()[tickKind[i]];
        }
    }

    private final Map<String, Series> servers = new LinkedHashMap<>();
    private long serversNotFollowed;
    private long width = START_WIDTH;
    private long lo = Long.MAX_VALUE;
    private long hi = Long.MIN_VALUE;
    private long minTs = Long.MAX_VALUE;
    private long maxTs = Long.MIN_VALUE;

    void completed(String host, String label, long ts) {
        Series s = series(host, label);
        if (s != null) {
            s.completed++;
            bucket(s, ts)[0]++;
        }
    }

    void failure(String host, String label, long ts, FindingKind kind) {
        Series s = series(host, label);
        if (s == null) {
            return;
        }
        s.failures++;
        bucket(s, ts)[1 + kind.ordinal()]++;
        if (s.ticks == MAX_TICKS) {
            s.ticksDropped++;
            return;
        }
        if (s.ticks == s.tickTs.length) {
            s.tickTs = Arrays.copyOf(s.tickTs, s.ticks * 2);
            s.tickKind = Arrays.copyOf(s.tickKind, s.ticks * 2);
        }
        s.tickTs[s.ticks] = ts;
        s.tickKind[s.ticks++] = (byte) kind.ordinal();
    }

    private Series series(String host, String label) {
        Series s = servers.get(host);
        if (s == null) {
            if (servers.size() >= MAX_SERVERS) {
                serversNotFollowed++;
                return null;
            }
            s = new Series(host, label);
            servers.put(host, s);
        }
        s.endpoint(label);
        return s;
    }

    private int[] bucket(Series s, long ts) {
        minTs = Math.min(minTs, ts);
        maxTs = Math.max(maxTs, ts);
        long idx = Math.floorDiv(ts, width);
        long newLo = Math.min(lo, idx);
        long newHi = Math.max(hi, idx);
        while (newHi - newLo + 1 > MAX_BUCKETS) {
            width *= 2;
            newLo = Math.floorDiv(newLo, 2);
            newHi = Math.floorDiv(newHi, 2);
            idx = Math.floorDiv(idx, 2);
            for (Series x : servers.values()) {
                Map<Long, int[]> merged = new HashMap<>();
                for (Map.Entry<Long, int[]> e : x.buckets.entrySet()) {
                    int[] into = merged.computeIfAbsent(Math.floorDiv(e.getKey(), 2), k -> new int[SLOTS]);
                    for (int i = 0; i < SLOTS; i++) {
                        into[i] += e.getValue()[i];
                    }
                }
                x.buckets = merged;
            }
        }
        lo = newLo;
        hi = newHi;
        return s.buckets.computeIfAbsent(idx, k -> new int[SLOTS]);
    }

    Series get(String host) {
        return servers.get(host);
    }

    List<Series> all() {
        return new ArrayList<>(servers.values());
    }

    long serversNotFollowed() {
        return serversNotFollowed;
    }

    /** Bucket width, nanoseconds. */
    long width() {
        return width;
    }

    boolean empty() {
        return minTs > maxTs;
    }

    long minTs() {
        return minTs;
    }

    long maxTs() {
        return maxTs;
    }

    /** Completed handshakes in bucket {@code idx} of {@code s}. */
    static int completedIn(int[] bucket) {
        return bucket[0];
    }

    static int failuresIn(int[] bucket, FindingKind k) {
        return bucket[1 + k.ordinal()];
    }
}
