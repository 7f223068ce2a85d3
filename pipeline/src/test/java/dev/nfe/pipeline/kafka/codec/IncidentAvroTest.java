package dev.nfe.pipeline.kafka.codec;

import dev.nfe.dissect.incident.Feature;
import dev.nfe.dissect.incident.FeatureInterner;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Observation;
import dev.nfe.pipeline.kafka.incidents.ReplayedIncidents;
import dev.nfe.pipeline.output.JsonRenderer;
import dev.nfe.schema.v1.HostIncidents;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Observations and incidents through their Avro records and back, on what replay makes of real
 * captures: equal values, and for incidents the very JSON line replay writes (the order of their
 * maps included).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncidentAvroTest {
    private final List<Observation> observations = new ArrayList<>();
    private final List<Incident> incidents = new ArrayList<>();

    @BeforeAll
    void replay() throws Exception {
        for (String c : List.of("crash-loop-5s", "crash-on-sni", "crash-on-sslv2-hello", "random-crashes",
                "samples/loopback/capture.pcap")) {
            ReplayedIncidents r = ReplayedIncidents.of(ReplayedIncidents.capture(c));
            observations.addAll(r.observations());
            incidents.addAll(r.incidents());
        }
    }

    @Test
    void observationsComeBackEqual() throws Exception {
        ResultEncoder encoder = new ResultEncoder();
        int failures = 0;
        int noHello = 0;
        for (Observation o : observations) {
            dev.nfe.schema.v1.Observation a = ObservationAvro.toAvro(o);
            byte[] bytes = encoder.observation(a);
            assertArrayEquals(AvroValues.encode(a), bytes, "the reusing encoder writes Avro's own bytes");
            assertTrue(AvroValues.isObservation(bytes));
            assertEquals(o, ObservationAvro.fromAvro(AvroValues.decodeObservation(bytes)));
            failures += o.failure() ? 1 : 0;
            noHello += o.features() == null ? 1 : 0;
        }
        assertTrue(failures >= 50 && observations.size() - failures >= 300, failures + " of " + observations.size());
        // these captures have no failure without a hello (a refused SYN): make one of a real failure
        Observation f = observations.stream().filter(Observation::failure).findFirst().orElseThrow();
        Observation refused = new Observation(f.tsNanos(), f.order(), f.server(), f.host(), f.fault(), f.kind(),
                f.severity(), f.findingId(), f.client(), null, "no hello", null, null, null, null, false, f.capture());
        assertEquals(refused, ObservationAvro.fromAvro(AvroValues.decodeObservation(
                encoder.observation(ObservationAvro.toAvro(refused)))));
        assertEquals(0, noHello);
    }

    @Test
    void decodedObservationsShareTheirFeatures() throws Exception {
        ResultEncoder encoder = new ResultEncoder();
        FeatureInterner interner = new FeatureInterner(65_536);
        List<Observation> decoded = new ArrayList<>();
        for (Observation o : observations) {
            Observation d = ObservationAvro.fromAvro(AvroValues.decodeObservation(
                    encoder.observation(ObservationAvro.toAvro(o))), interner::intern);
            assertEquals(o, d);
            decoded.add(d);
        }
        // every equal feature is one instance, so a host's kept observations hold each feature once
        Map<Feature, Feature> first = new HashMap<>();
        Set<Feature> instances = Collections.newSetFromMap(new IdentityHashMap<>());
        long total = 0;
        for (Observation d : decoded) {
            for (Feature f : d.features()) {
                assertSame(first.computeIfAbsent(f, k -> f), f, "one instance of " + f);
                instances.add(f);
                total++;
            }
        }
        assertEquals(first.size(), instances.size());
        assertTrue(total > 20 * instances.size(), total + " features held by " + instances.size() + " instances");
        // without the interner every decoded observation has its own
        Observation o = observations.get(0);
        byte[] bytes = encoder.observation(ObservationAvro.toAvro(o));
        Feature a = ObservationAvro.fromAvro(AvroValues.decodeObservation(bytes)).features().get(0);
        Feature b = ObservationAvro.fromAvro(AvroValues.decodeObservation(bytes)).features().get(0);
        assertEquals(a, b);
        assertNotSame(a, b);
    }

    @Test
    void incidentsComeBackAsTheLineReplayWrites() throws Exception {
        JsonRenderer json = new JsonRenderer();
        boolean recurrence = false;
        boolean discriminator = false;
        for (Incident i : incidents) {
            byte[] host = AvroValues.encode(new HostIncidents(i.server().toString(), 7L, 0L,
                    List.of(IncidentAvro.toAvro(i))));
            Incident back = IncidentAvro.fromAvro(AvroValues.decodeHostIncidents(host).getIncidents().get(0));
            assertEquals(i, back);
            assertEquals(new String(json.incident(i), StandardCharsets.UTF_8),
                    new String(json.incident(back), StandardCharsets.UTF_8));
            recurrence |= i.recurrence() != null;
            discriminator |= !i.discriminators().isEmpty();
        }
        assertTrue(incidents.size() >= 10 && recurrence && discriminator, "incidents: " + incidents.size());
    }

    @Test
    void badValuesAreBadRecords() {
        Observation o = observations.get(0);
        byte[] good = AvroValues.encode(ObservationAvro.toAvro(o));
        assertThrows(BadRecordException.class, () -> AvroValues.decodeObservation(Arrays.copyOf(good, good.length - 3)));
        assertThrows(BadRecordException.class, () -> AvroValues.decodeSourceEnd(good));
        dev.nfe.schema.v1.Observation unknownFault = ObservationAvro.toAvro(o);
        unknownFault.setFault("GREMLINS");
        assertThrows(BadRecordException.class, () -> ObservationAvro.fromAvro(unknownFault));
        dev.nfe.schema.v1.Incident unknownState = IncidentAvro.toAvro(incidents.get(0));
        unknownState.setState("pending");
        assertThrows(BadRecordException.class, () -> IncidentAvro.fromAvro(unknownState));
    }
}
