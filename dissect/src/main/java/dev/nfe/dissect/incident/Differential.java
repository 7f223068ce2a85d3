package dev.nfe.dissect.incident;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The differential diagnosis of an incident: which ClientHello features its failed handshakes
 * share that the completed ones do not — a contrast set (Bay and Pazzani's STUCCO) kept simple
 * enough to explain in one sentence. A feature is reported when at least {@link #MOST} of the
 * failed hellos have it and at most {@link #FEW} of the completed ones do; or the reverse (the
 * failed ones lack what the completed ones have), as "!value", but only for a feature with no
 * value of its own already reported. Strongest first (largest difference in share), then by how
 * telling the feature is ({@link Feature#ORDER}). An empty list says that nothing in the hello
 * separates them: a server-side fault, not triggered by the client.
 */
final class Differential {
    static final double MOST = 0.8;
    static final double FEW = 0.2;
    /** Fewer hellos than this on either side prove nothing. */
    static final int MIN_HELLOS = 3;
    static final int MAX_REPORTED = 10;

    private Differential() {
    }

    static List<Discriminator> of(FeatureCounts failed, FeatureCounts ok) {
        long nf = failed.hellos();
        long no = ok.hellos();
        if (nf < MIN_HELLOS || no < MIN_HELLOS) {
            return List.of();
        }
        record Scored(Discriminator d, double strength, int rank) {
        }
        List<Scored> positive = new ArrayList<>();
        Set<Feature> all = new HashSet<>(failed.features());
        all.addAll(ok.features());
        for (Feature f : all) {
            long a = failed.count(f);
            long b = ok.count(f);
            double pf = (double) a / nf;
            double po = (double) b / no;
            if (pf >= MOST && po <= FEW) {
                positive.add(new Scored(new Discriminator(f.name(), f.value(), a, nf, b, no), pf - po, f.rank()));
            }
        }
        Set<String> named = new HashSet<>();
        positive.forEach(s -> named.add(s.d().feature()));
        List<Scored> negative = new ArrayList<>();
        for (Feature f : all) {
            long a = failed.count(f);
            long b = ok.count(f);
            double pf = (double) a / nf;
            double po = (double) b / no;
            if (pf <= FEW && po >= MOST && !named.contains(f.name())) {
                negative.add(new Scored(new Discriminator(f.name(), "!" + f.value(), nf - a, nf, no - b, no), po - pf,
                        f.rank()));
            }
        }
        List<Scored> out = new ArrayList<>(positive);
        out.addAll(negative);
        out.sort(Comparator.comparingDouble((Scored s) -> -s.strength()).thenComparingInt(Scored::rank)
                .thenComparing(s -> s.d().negated()).thenComparing(s -> s.d().value()));
        return out.stream().limit(MAX_REPORTED).map(Scored::d).toList();
    }

    /**
     * The rows of a differential table, whether they separate or not: for each feature name in
     * {@link Feature#ORDER}, the value whose share differs most between the failed and the completed
     * hellos (ties: the larger share among the failed, then the value). A table a person reads to see
     * how alike the two groups were, where {@link #of} only names what separates them. No rows when
     * no failure had a hello; the completed side may be empty (its counts are then 0 of 0).
     */
    static List<Discriminator> contrasts(FeatureCounts failed, FeatureCounts ok) {
        long nf = failed.hellos();
        long no = ok.hellos();
        if (nf == 0) {
            return List.of();
        }
        Discriminator[] best = new Discriminator[Feature.ORDER.size()];
        // |a/nf - b/no| compared exactly, as |a*no - b*nf| over the common nf*no (ties are common)
        long[] bestDiff = new long[best.length];
        Set<Feature> all = new HashSet<>(failed.features());
        all.addAll(ok.features());
        for (Feature f : all) {
            int rank = f.rank();
            if (rank >= best.length) {
                continue;
            }
            long a = failed.count(f);
            long b = ok.count(f);
            long diff = no == 0 ? a : Math.abs(a * no - b * nf);
            Discriminator d = new Discriminator(f.name(), f.value(), a, nf, b, no);
            Discriminator cur = best[rank];
            if (cur == null || diff > bestDiff[rank]
                    || (diff == bestDiff[rank] && (a > cur.failed() || (a == cur.failed() && d.value().compareTo(cur.value()) < 0)))) {
                best[rank] = d;
                bestDiff[rank] = diff;
            }
        }
        List<Discriminator> out = new ArrayList<>(best.length);
        for (Discriminator d : best) {
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }
}
