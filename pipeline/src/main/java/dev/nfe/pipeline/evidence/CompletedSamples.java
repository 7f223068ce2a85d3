package dev.nfe.pipeline.evidence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Completed handshakes per server host, to show one beside an incident's failures. Bounded: at
 * most {@link #PER_HOST} per host, spread over the run (when a host's sample is full, every second
 * one goes and from then on only every second, fourth, ... arrival is taken, so the sample keeps
 * covering the whole time range), and at most {@link #MAX_HOSTS} hosts (the completed handshakes
 * of later hosts are counted as not sampled).
 */
final class CompletedSamples {
    static final int PER_HOST = 16;
    static final int MAX_HOSTS = 8192;

    private static final class Sample {
        final List<Connection> kept = new ArrayList<>(PER_HOST);
        long seen;
        long stride = 1;
    }

    private final Map<String, Sample> hosts = new HashMap<>();
    private long hostsNotSampled;

    void add(String host, Connection c) {
        Sample s = hosts.get(host);
        if (s == null) {
            if (hosts.size() >= MAX_HOSTS) {
                hostsNotSampled++;
                return;
            }
            s = new Sample();
            hosts.put(host, s);
        }
        if (s.seen++ % s.stride != 0) {
            return;
        }
        if (s.kept.size() == PER_HOST) {
            for (int i = PER_HOST - 1; i > 0; i -= 2) {
                s.kept.remove(i);
            }
            s.stride *= 2;
            if ((s.seen - 1) % s.stride != 0) {
                return;
            }
        }
        s.kept.add(c);
    }

    /**
     * The completed handshake at {@code host} nearest to the window [from, to] (inside it when one
     * is), ties broken by nearness to {@code from}; null when the host had none (or was not sampled).
     */
    Connection nearest(String host, long from, long to) {
        Sample s = hosts.get(host);
        if (s == null) {
            return null;
        }
        Connection best = null;
        long bestOutside = Long.MAX_VALUE;
        long bestFromFirst = Long.MAX_VALUE;
        for (Connection c : s.kept) {
            long t = c.tsNanos();
            long outside = t < from ? from - t : t > to ? t - to : 0;
            long fromFirst = Math.abs(t - from);
            if (outside < bestOutside || (outside == bestOutside && fromFirst < bestFromFirst)) {
                best = c;
                bestOutside = outside;
                bestFromFirst = fromFirst;
            }
        }
        return best;
    }

    long hostsNotSampled() {
        return hostsNotSampled;
    }
}
