package dev.nfe.pipeline.kafka.incidents;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.IncidentConfig;
import dev.nfe.dissect.incident.Observation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the incidents app relies on, on real captures: a host's incidents recomputed from its
 * observations in any order equal replay's, and sealing old observations changes no incident
 * unless the cut had to be forced.
 */
class HostRecomputeTest {
    private static final IncidentConfig DEFAULTS = IncidentConfig.defaults();

    @Test
    void perHostFromShuffledObservationsEqualsReplay() throws Exception {
        for (String capture : List.of("crash-loop-5s", "crash-on-sni", "random-crashes", "samples/loopback/capture.pcap")) {
            ReplayedIncidents r = ReplayedIncidents.of(ReplayedIncidents.capture(capture));
            assertFalse(r.incidents().isEmpty(), capture);
            for (long seed = 1; seed <= 3; seed++) {
                List<Observation> shuffled = new ArrayList<>(r.observations());
                Collections.shuffle(shuffled, new Random(seed));
                List<Incident> all = new ArrayList<>();
                for (List<Observation> host : byHost(shuffled).values()) {
                    host.sort(HostRecompute.EVENT_TIME);
                    all.addAll(HostRecompute.run(host, r.endNanos(), Long.MIN_VALUE, Long.MIN_VALUE, DEFAULTS).live());
                }
                assertEquals(sorted(r.incidents()), sorted(all), capture + ", shuffle " + seed);
            }
        }
    }

    /**
     * At every horizon and for gaps short enough to split these captures' incidents: the incidents
     * of the sealed observations (finished at the seal point) and of the rest equal the incidents
     * of all of them, whenever the seal was not forced.
     */
    @Test
    void sealingAtAQuietPointChangesNoIncident() throws Exception {
        int sealed = 0;
        for (String capture : List.of("crash-loop-5s", "random-crashes", "samples/loopback/capture.pcap")) {
            ReplayedIncidents r = ReplayedIncidents.of(ReplayedIncidents.capture(capture));
            for (long gapS : new long[] {4, 7, 12, 300}) {
                IncidentConfig config = DEFAULTS.withGap(gapS * 1_000_000_000L, 2);
                for (List<Observation> host : byHost(r.observations()).values()) {
                    host.sort(HostRecompute.EVENT_TIME);
                    List<Incident> whole = HostRecompute.incidents(host, r.endNanos(), config);
                    long first = host.get(0).tsNanos();
                    long last = host.get(host.size() - 1).tsNanos();
                    for (int step = 1; step <= 10; step++) {
                        long horizon = first + (last - first) * step / 10;
                        HostRecompute.Result res = HostRecompute.run(host, r.endNanos(), horizon, Long.MIN_VALUE, config);
                        if (res.sealIndex() == 0) {
                            continue;
                        }
                        assertFalse(res.forced(), "never forced when forceBefore is the beginning of time");
                        sealed++;
                        List<Incident> parts = new ArrayList<>(res.sealed());
                        parts.addAll(res.live());
                        assertEquals(sorted(whole), sorted(parts), capture + " gap " + gapS + " s, horizon step " + step);
                        for (Incident i : res.sealed()) {
                            assertEquals(Incident.State.CLOSED, i.state(), "a sealed incident is over");
                        }
                    }
                }
            }
        }
        assertTrue(sealed > 20, "seals tried: " + sealed);
    }

    @Test
    void aFaultThatNeverPausesIsCutOnlyOnceItOutgrowsTheRetention() throws Exception {
        ReplayedIncidents r = ReplayedIncidents.of(ReplayedIncidents.capture("crash-loop-5s"));
        List<Observation> host = byHost(r.observations()).values().iterator().next();
        host.sort(HostRecompute.EVENT_TIME);
        long first = host.stream().filter(Observation::failure).findFirst().orElseThrow().tsNanos();
        long last = host.get(host.size() - 1).tsNanos();
        long horizon = (first + last) / 2;
        // a 300 s gap: the crash loop never pauses that long, so no quiet point exists before the
        // horizon but the first failure (which leaves only completed handshakes before it)
        SealPoint quiet = SealPoint.find(host, horizon, Long.MIN_VALUE, DEFAULTS.gapNanos());
        assertNotNull(quiet);
        assertFalse(quiet.forced());
        assertEquals(first, quiet.tsNanos());
        List<Observation> fromFirst = host.subList(quiet.index(), host.size());
        assertEquals(null, SealPoint.find(fromFirst, horizon, Long.MIN_VALUE, DEFAULTS.gapNanos()),
                "not yet: the oldest is within the retention");
        SealPoint forced = SealPoint.find(fromFirst, horizon, horizon, DEFAULTS.gapNanos());
        assertNotNull(forced);
        assertTrue(forced.forced());
        assertEquals(horizon, forced.tsNanos());
    }

    private static Map<String, List<Observation>> byHost(List<Observation> obs) {
        Map<String, List<Observation>> out = new HashMap<>();
        for (Observation o : obs) {
            out.computeIfAbsent(o.host(), h -> new ArrayList<>()).add(o);
        }
        return out;
    }

    private static List<Incident> sorted(List<Incident> l) {
        List<Incident> out = new ArrayList<>(l);
        out.sort(HostRecompute.FIRST_FIRST);
        return out;
    }
}
