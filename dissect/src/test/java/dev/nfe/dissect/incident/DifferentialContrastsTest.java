package dev.nfe.dissect.incident;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The rows of the differential table: one per feature name, separating or not. */
class DifferentialContrastsTest {

    private static FeatureCounts counts(List<List<Feature>> hellos) {
        FeatureCounts c = new FeatureCounts();
        hellos.forEach(c::add);
        return c;
    }

    private static List<Feature> hello(String format, String sni, String ja4) {
        return List.of(new Feature("hello_format", format), new Feature("sni", sni), new Feature("ja4", ja4));
    }

    @Test
    void eachFeatureNameGetsItsMostDifferentValueInReportOrder() {
        FeatureCounts failed = counts(List.of(hello("sslv2", "(none)", "a"), hello("sslv2", "(none)", "b"),
                hello("sslv2", "x.test", "a")));
        FeatureCounts ok = counts(List.of(hello("tls", "x.test", "a"), hello("tls", "x.test", "b"),
                hello("tls", "(none)", "a"), hello("tls", "x.test", "c")));
        List<Discriminator> rows = Differential.contrasts(failed, ok);
        assertEquals(List.of(
                // sslv2 and tls differ by 100% both ways: the one the failures had wins the tie
                new Discriminator("hello_format", "sslv2", 3, 3, 0, 4),
                // (none): 2/3 against 1/4 (0.42); x.test the same difference the other way: failed share first
                new Discriminator("sni", "(none)", 2, 3, 1, 4),
                // a: 2/3 against 2/4 (0.17); b: 1/3 against 1/4 (0.08); c: 0/3 against 1/4 (0.25)
                new Discriminator("ja4", "c", 0, 3, 1, 4)), rows);
        // the separating ones only, for comparison: one feature passes the 80%/20% bar
        assertEquals(List.of(new Discriminator("hello_format", "sslv2", 3, 3, 0, 4)), Differential.of(failed, ok));
    }

    @Test
    void withoutCompletedHellosTheFailuresMostCommonValueIsShown() {
        FeatureCounts failed = counts(List.of(hello("tls", "a.test", "j"), hello("tls", "b.test", "j"),
                hello("tls", "a.test", "j")));
        List<Discriminator> rows = Differential.contrasts(failed, new FeatureCounts());
        assertEquals(List.of(new Discriminator("hello_format", "tls", 3, 3, 0, 0),
                new Discriminator("sni", "a.test", 2, 3, 0, 0),
                new Discriminator("ja4", "j", 3, 3, 0, 0)), rows);
        assertEquals(List.of(), Differential.contrasts(new FeatureCounts(), failed), "no failed hello, no table");
    }
}
