package dev.nfe.dissect.incident;

import dev.nfe.capture.TcpSegment;
import dev.nfe.dissect.Dissected;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The incident engine on the sessions of real captures: the incidents of a finished input are a
 * function of its sessions, not of the order they come in (Kafka interleaves partitions
 * arbitrarily; replay and the live agent finalise flows in their own orders); and the same
 * sessions fed as they come, with the clock moving, close and write the same incidents.
 */
class IncidentEngineTest {
    private static final Path ROOT = Path.of(System.getProperty("nfe.root", "..")).toAbsolutePath().normalize();
    private static final Path INCIDENTS = ROOT.resolve("testsuite/src/test/resources/dev/nfe/testsuite/incidents");

    private record Result(SessionRecord session, Finding finding) {
    }

    private record Input(List<Result> results, long end) {
    }

    private static Input dissect(Path pcap) throws Exception {
        List<TcpSegment> segments = Dissected.segments(pcap);
        List<Result> out = new ArrayList<>();
        for (Dissected.Emitted e : Dissected.run(pcap.toString(), segments)) {
            out.add(new Result(e.session(), e.finding()));
        }
        return new Input(out, Dissected.latest(segments));
    }

    private static List<Incident> incidents(List<Result> results, long end) {
        IncidentEngine engine = new IncidentEngine(IncidentConfig.defaults());
        List<Incident> out = new ArrayList<>();
        for (Result r : results) {
            out.addAll(engine.session(r.session(), r.finding()));
        }
        out.addAll(engine.finish(end));
        return out;
    }

    @Test
    void theIncidentsOfAFinishedInputDoNotDependOnTheOrderOfItsSessions() throws Exception {
        for (String scenario : List.of("crash-loop-5s", "crash-on-sslv2-hello")) {
            Input in = dissect(INCIDENTS.resolve(scenario).resolve("capture.pcap"));
            List<Incident> asFinalised = incidents(in.results(), in.end());
            assertFalse(asFinalised.isEmpty(), scenario);
            List<Result> reversed = new ArrayList<>(in.results());
            Collections.reverse(reversed);
            assertEquals(asFinalised, incidents(reversed, in.end()), scenario + " reversed");
            for (int seed = 0; seed < 5; seed++) {
                List<Result> shuffled = new ArrayList<>(in.results());
                Collections.shuffle(shuffled, new Random(seed));
                assertEquals(asFinalised, incidents(shuffled, in.end()), scenario + " shuffled " + seed);
            }
        }
    }

    @Test
    void aLiveClockClosesAnIncidentOnceItsGapHasPassedAndWritesItAsFinished() throws Exception {
        Input in = dissect(INCIDENTS.resolve("crash-on-sni").resolve("capture.pcap"));
        List<Incident> atEnd = incidents(in.results(), in.end());
        assertEquals(1, atEnd.size(), atEnd.toString());
        IncidentEngine engine = new IncidentEngine(IncidentConfig.defaults());
        for (Result r : in.results()) {
            assertEquals(List.of(), engine.session(r.session(), r.finding()), "nothing closes while failures keep coming");
        }
        List<Incident> open = engine.openIncidents();
        assertTrue(open.isEmpty() || open.get(0).state() == Incident.State.OPEN, open.toString());
        long gap = IncidentConfig.defaults().gapNanos();
        long lateness = IncidentConfig.defaults().latenessNanos();
        List<Incident> closed = engine.advanceTo(in.end() + lateness + gap + 1_000_000_000L);
        assertEquals(1, closed.size());
        Incident i = closed.get(0);
        assertEquals(Incident.State.CLOSED, i.state());
        assertEquals(atEnd.get(0).incidentId(), i.incidentId(), "the same incident, whichever way it ended");
        assertEquals(atEnd.get(0).count(), i.count());
        assertEquals(atEnd.get(0).discriminators(), i.discriminators());
        assertEquals(List.of(), engine.finish(in.end() + 2 * gap), "nothing left after it closed");
    }

    @Test
    void aVerdictlessSessionIsNoIncident() throws Exception {
        // loopback-small has INDETERMINATE sessions (clients that gave up too early to tell)
        Input in = dissect(ROOT.resolve("samples/loopback/capture.pcap"));
        for (Incident i : incidents(in.results(), in.end())) {
            assertFalse(i.kinds().containsKey(dev.nfe.dissect.report.FindingKind.INDETERMINATE), i.summary());
            assertTrue(i.count() >= 2, i.summary());
            assertTrue(i.summary().startsWith(i.fault() == Fault.CLIENT_ALERT || i.fault() == Fault.CLIENT_ABANDON
                    ? "clients" : i.fault() == Fault.SERVER_DROP || i.fault() == Fault.SERVER_CLOSE
                    || i.fault() == Fault.SERVER_ALERT || i.fault() == Fault.NON_TLS || i.fault() == Fault.SILENCE
                    || i.fault() == Fault.REFUSED ? "server" : ""), i.summary());
        }
    }

    @Test
    void membershipNamesEachFailuresIncidentAlsoWhenALaterInputHoldsEarlierTimes() throws Exception {
        // crash-loop-5s (21:21-21:22) first, then crash-on-sslv2-hello (21:14, same server): the second
        // input's failures join the incident the first opened, before that incident's first_ts
        Input loop = dissect(INCIDENTS.resolve("crash-loop-5s").resolve("capture.pcap"));
        Input sslv2 = dissect(INCIDENTS.resolve("crash-on-sslv2-hello").resolve("capture.pcap"));
        java.util.Map<String, List<String>> members = new java.util.LinkedHashMap<>();
        IncidentEngine engine = new IncidentEngine(IncidentConfig.defaults(),
                (o, id) -> members.computeIfAbsent(id, k -> new ArrayList<>()).add(o.findingId()));
        List<Incident> out = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Input in : List.of(loop, sslv2)) {
            for (Result r : in.results()) {
                out.addAll(engine.session(r.session(), r.finding()));
                if (r.finding() != null && Fault.of(r.finding(), r.session()) != null) {
                    failures.add(r.finding().findingId());
                }
            }
            out.addAll(engine.endOfInput());
        }
        out.addAll(engine.finish(loop.end()));
        assertEquals(1, out.size(), out.toString());
        Incident i = out.get(0);
        List<String> joined = members.get(i.incidentId());
        assertEquals(i.count(), joined.size(), "every failure of the incident was heard joining it");
        assertEquals(new java.util.HashSet<>(failures), new java.util.HashSet<>(joined));
        assertEquals(i.sampleFindingIds(), joined.subList(0, i.sampleFindingIds().size()), "in the order they joined");
        long outsideWindow = sslv2.results().stream().filter(r -> r.finding() != null
                && r.finding().tsNanos() < i.firstTsNanos()).count();
        assertTrue(outsideWindow > 0, "the window alone would have missed the earlier input's failures");
        assertEquals(Set.of(i.incidentId()), members.keySet());
    }
}
