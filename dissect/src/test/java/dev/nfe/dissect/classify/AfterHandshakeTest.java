package dev.nfe.dissect.classify;

import dev.nfe.capture.Bytes;
import dev.nfe.capture.Endpoint;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpFlags;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.Dissector;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.DissectorOutput;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.dissect.report.Severity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a completed handshake ends (DESIGN.md, "Diagnosis"), on real connections of the sample
 * capture (curl and s_client against nginx, TLS 1.2 and 1.3), cut where a request is waiting or
 * where the server has answered, and ended the ways a dying worker, a server, a client or a
 * middlebox end them: the endings are made from the connection's own last packets (addresses,
 * sequence numbers, TTLs), only their flags and place are chosen.
 */
class AfterHandshakeTest {
    private static final Path ROOT = Path.of(System.getProperty("nfe.root", "..")).toAbsolutePath().normalize();
    private static final long MS = 1_000_000L;
    private static List<List<TcpSegment>> healthy;

    @BeforeAll
    static void healthyConnections() throws Exception {
        List<TcpSegment> all = new ArrayList<>();
        try (FrameSource src = CaptureFiles.open(ROOT.resolve("samples/loopback/capture.pcap"))) {
            SegmentDecoder decoder = new SegmentDecoder(all::add);
            while (src.next(decoder)) {
                // read all
            }
        }
        healthy = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("samples/loopback/labels.tsv")).subList(1, 61)) {
            String[] f = line.split("\t");
            if (f[7].startsWith("healthy_")) {
                Endpoint client = Endpoint.parse(endpoint(f[3], f[4]));
                Endpoint server = Endpoint.parse(endpoint(f[5], f[6]));
                healthy.add(all.stream().filter(s -> (s.src().equals(client) && s.dst().equals(server))
                        || (s.src().equals(server) && s.dst().equals(client))).toList());
            }
        }
        assertTrue(healthy.size() >= 20, "healthy connections: " + healthy.size());
    }

    private static String endpoint(String ip, String port) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }

    private record Run(SessionRecord session, Finding finding) {
    }

    private static Run dissect(List<TcpSegment> segments) {
        List<Run> out = new ArrayList<>();
        Dissector d = new Dissector(DissectorConfig.defaults("test"), new DissectorOutput() {
            @Override
            public void session(SessionRecord s) {
                out.add(new Run(s, null));
            }

            @Override
            public void finding(Finding f) {
                out.set(0, new Run(out.get(0).session(), f));
            }
        });
        segments.forEach(d::segment);
        d.finish(segments.get(segments.size() - 1).timestampNanos());
        assertEquals(1, out.size());
        return out.get(0);
    }

    /**
     * The connection up to the last segment in which one side ({@code clientSpeaksLast}: the
     * client) sent application data before anyone closed it: a TLS application_data record (type
     * 23) longer than an alert could be, so neither a close_notify nor a TLS 1.3 alert counts.
     * What the other side sent later is left out (it is not sent yet).
     */
    private static List<TcpSegment> openUntilLastDataOf(List<TcpSegment> c, boolean clientSpeaksLast) {
        Endpoint client = c.get(0).src(); // the SYN's sender
        int end = -1;
        for (int i = 0; i < c.size(); i++) {
            TcpSegment s = c.get(i);
            if (s.fin() || s.rst()) {
                break;
            }
            if (s.payload().length() > 5 + 24 && s.payload().get(0) == 23 && s.src().equals(client) == clientSpeaksLast) {
                end = i;
            }
        }
        List<TcpSegment> out = new ArrayList<>(c.subList(0, end + 1));
        return out;
    }

    /** A segment of {@code from}'s side after the last one, with these flags (no payload). */
    private static TcpSegment ending(List<TcpSegment> c, boolean fromServer, int flags, Integer ttl) {
        Endpoint client = c.get(0).src();
        Endpoint server = c.get(0).dst();
        Endpoint src = fromServer ? server : client;
        long seq = 0;
        long ack = 0;
        int baseTtl = 64;
        for (TcpSegment s : c) {
            long next = (s.seq() + s.payloadLength() + (s.syn() ? 1 : 0)) & 0xffff_ffffL;
            if (s.src().equals(src)) {
                seq = next;
                baseTtl = s.ttl();
            } else {
                ack = next;
            }
        }
        TcpSegment last = c.get(c.size() - 1);
        return new TcpSegment(last.timestampNanos() + 2 * MS, last.frame() + 1, src, fromServer ? client : server,
                seq, ack, flags | TcpFlags.ACK, 512, ttl != null ? ttl : baseTtl, -1, 0, Bytes.EMPTY, false);
    }

    private static List<TcpSegment> plus(List<TcpSegment> c, TcpSegment... more) {
        List<TcpSegment> out = new ArrayList<>(c);
        for (TcpSegment s : more) {
            out.add(new TcpSegment(out.get(out.size() - 1).timestampNanos() + 2 * MS, out.get(out.size() - 1).frame() + 1,
                    s.src(), s.dst(), s.seq(), s.ack(), s.flags(), s.window(), s.ttl(), s.ipId(), s.payloadLength(),
                    s.payload(), s.truncated()));
        }
        return out;
    }

    @Test
    void aServerRstWhileARequestWaitsIsAHighResetAfterTheHandshake() {
        int checked = 0;
        for (List<TcpSegment> c : healthy) {
            List<TcpSegment> waiting = openUntilLastDataOf(c, true);
            if (waiting.isEmpty()) {
                continue; // no application data from that side before the close
            }
            Run r = dissect(plus(waiting, ending(waiting, true, TcpFlags.RST, null)));
            if (r.session().outcome() != Outcome.COMPLETED) {
                continue; // the request went out with the client's Finished: no completed handshake to drop yet
            }
            checked++;
            assertNotNull(r.session().abort(), r.session().history());
            assertEquals(Role.SERVER, r.session().abort().by());
            assertTrue(r.session().abort().unanswered(), r.session().history());
            assertFalse(r.session().abort().injectedSuspect());
            assertEquals(FindingKind.RESET_AFTER_HANDSHAKE, r.finding().kind(), r.session().history());
            assertEquals(Severity.HIGH, r.finding().severity());
            assertEquals(r.session().abort().frame(), r.finding().evidenceFrames().get(1));
            assertTrue(r.finding().summary().contains("with a request unanswered"), r.finding().summary());
        }
        assertTrue(checked >= 10, "completed handshakes with a request waiting: " + checked);
    }

    @Test
    void aServerRstAfterItAnsweredIsALowResetOfAnIdleConnection() {
        int checked = 0;
        for (List<TcpSegment> c : healthy) {
            List<TcpSegment> answered = openUntilLastDataOf(c, false);
            if (answered.isEmpty()) {
                continue; // no application data from that side before the close
            }
            Run r = dissect(plus(answered, ending(answered, true, TcpFlags.RST, null)));
            if (r.session().outcome() != Outcome.COMPLETED) {
                continue;
            }
            checked++;
            assertFalse(r.session().abort().unanswered(), r.session().history());
            assertEquals(FindingKind.RESET_AFTER_HANDSHAKE, r.finding().kind());
            assertEquals(Severity.LOW, r.finding().severity());
        }
        assertTrue(checked >= 10, "checked " + checked);
    }

    @Test
    void aBareServerFinWhileARequestWaitsIsAClosedAfterTheHandshake() {
        int checked = 0;
        for (List<TcpSegment> c : healthy) {
            List<TcpSegment> waiting = openUntilLastDataOf(c, true);
            if (waiting.isEmpty()) {
                continue; // no application data from that side before the close
            }
            Run r = dissect(plus(waiting, ending(waiting, true, TcpFlags.FIN, null)));
            if (r.session().outcome() != Outcome.COMPLETED) {
                continue;
            }
            checked++;
            assertNull(r.session().abort());
            assertNotNull(r.session().abruptClose());
            assertTrue(r.session().abruptClose().unanswered());
            assertEquals(FindingKind.CLOSED_AFTER_HANDSHAKE, r.finding().kind());
            assertEquals(Severity.MEDIUM, r.finding().severity());
        }
        assertTrue(checked >= 10, "checked " + checked);
    }

    @Test
    void endingsThatAreNotTheServersFaultAreNoFinding() {
        int checked = 0;
        for (List<TcpSegment> c : healthy) {
            List<TcpSegment> waiting = openUntilLastDataOf(c, true);
            if (waiting.isEmpty()) {
                continue; // no application data from that side before the close
            }
            if (dissect(waiting).session().outcome() != Outcome.COMPLETED) {
                continue;
            }
            checked++;
            // the client resets (curl does on every exit): recorded, not a finding
            Run clientRst = dissect(plus(waiting, ending(waiting, false, TcpFlags.RST, null)));
            assertEquals(Role.CLIENT, clientRst.session().abort().by());
            assertNull(clientRst.finding(), clientRst.session().history());
            // the client closes first; the server's RST answers that close
            TcpSegment clientFin = ending(waiting, false, TcpFlags.FIN, null);
            List<TcpSegment> closed = plus(waiting, clientFin);
            Run serverRst = dissect(plus(closed, ending(closed, true, TcpFlags.RST, null)));
            assertEquals(Role.SERVER, serverRst.session().abort().by());
            assertNull(serverRst.finding(), serverRst.session().history());
            // and the server's FIN after the client's is an orderly end
            Run serverFin = dissect(plus(closed, ending(closed, true, TcpFlags.FIN, null)));
            assertNull(serverFin.session().abruptClose(), serverFin.session().history());
            assertNull(serverFin.finding());
            // a server that closed first, then RSTs the client's late data: its FIN is the finding
            List<TcpSegment> finFirst = plus(waiting, ending(waiting, true, TcpFlags.FIN, null));
            Run finThenRst = dissect(plus(finFirst, ending(finFirst, true, TcpFlags.RST, null)));
            assertEquals(FindingKind.CLOSED_AFTER_HANDSHAKE, finThenRst.finding().kind(), finThenRst.session().history());
        }
        assertTrue(checked >= 10, "checked " + checked);
    }

    @Test
    void aRstWithAForeignTtlIsAMiddleboxSuspect() {
        int checked = 0;
        for (List<TcpSegment> c : healthy) {
            List<TcpSegment> waiting = openUntilLastDataOf(c, true);
            if (waiting.isEmpty()) {
                continue; // no application data from that side before the close
            }
            Run r = dissect(plus(waiting, ending(waiting, true, TcpFlags.RST, 57)));
            if (r.session().outcome() != Outcome.COMPLETED) {
                continue;
            }
            checked++;
            assertTrue(r.session().abort().injectedSuspect(), r.session().abort().toString());
            assertEquals(57, r.session().abort().ttl());
            assertEquals(r.session().rst().serverTtl(), r.session().abort().serverTtl());
            assertTrue(r.finding().summary().contains("likely injected by a middlebox"), r.finding().summary());
        }
        assertTrue(checked >= 10, "checked " + checked);
    }
}
