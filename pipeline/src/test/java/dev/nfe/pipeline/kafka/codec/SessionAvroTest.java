package dev.nfe.pipeline.kafka.codec;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.dissect.report.ServerHelloInfo;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.kafka.incidents.ReplayedIncidents;
import dev.nfe.pipeline.output.RecordedRun;
import dev.nfe.schema.v1.Session;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions through the {@code nfe.sessions} record and back: every session replay makes of the
 * whole shared corpus, the loopback sample, the hostile-strings capture and the incident captures
 * comes back equal (up to the four hello facts the record does not carry, see SessionAvro), and
 * the record made again from it is the very record that was read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionAvroTest {
    private final List<SessionRecord> sessions = new ArrayList<>();

    @BeforeAll
    void replay() throws Exception {
        List<Path> captures = new ArrayList<>(RecordedRun.corpus());
        captures.add(RecordedRun.loopbackSample());
        captures.add(RecordedRun.hostileStrings());
        for (String c : List.of("crash-loop-5s", "crash-on-sni", "crash-on-sslv2-hello")) {
            captures.add(ReplayedIncidents.capture(c));
        }
        Replayed.of(captures).sessions().forEach(r -> sessions.add(r.value()));
    }

    @Test
    void everySessionComesBackEqual() throws Exception {
        Set<Outcome> outcomes = EnumSet.noneOf(Outcome.class);
        int certificates = 0;
        int alerts = 0;
        int aborts = 0;
        int sslv2 = 0;
        for (SessionRecord s : sessions) {
            Session avro = SessionAvro.toAvro(s);
            SessionRecord back = SessionAvro.fromAvro(AvroValues.decodeSession(AvroValues.encode(avro)));
            assertEquals(asCarried(s), back);
            assertEquals(avro, SessionAvro.toAvro(back), "the record made again differs");
            outcomes.add(s.outcome());
            certificates += s.certificates().size();
            alerts += s.alerts().size();
            aborts += s.abort() != null || s.abruptClose() != null ? 1 : 0;
            sslv2 += s.clientHello() != null && s.clientHello().hello().sslv2Format() ? 1 : 0;
        }
        // what the mapping has to carry was there to be carried
        assertTrue(sessions.size() >= 1000, "sessions: " + sessions.size());
        assertTrue(outcomes.size() >= 8, "outcomes: " + outcomes);
        assertTrue(certificates > 0 && alerts > 0 && aborts > 0 && sslv2 > 0,
                certificates + " certificates, " + alerts + " alerts, " + aborts + " aborts, " + sslv2 + " sslv2 hellos");
    }

    @Test
    void hostileValuesAreBadRecords() throws Exception {
        SessionRecord s = sessions.stream().filter(x -> x.rst() != null && x.clientHello() != null).findFirst()
                .orElseThrow();
        Session unknownOutcome = SessionAvro.toAvro(s);
        unknownOutcome.setOutcome("MOSTLY_FINE");
        assertThrows(BadRecordException.class, () -> SessionAvro.fromAvro(unknownOutcome));
        Session badServer = SessionAvro.toAvro(s);
        badServer.setServer("not-an-address:443");
        assertThrows(BadRecordException.class, () -> SessionAvro.fromAvro(badServer));
        Session noPort = SessionAvro.toAvro(s);
        noPort.setClient("10.0.0.1");
        assertThrows(BadRecordException.class, () -> SessionAvro.fromAvro(noPort));
        Session badBasis = SessionAvro.toAvro(s);
        badBasis.setClientBasis("guess");
        assertThrows(BadRecordException.class, () -> SessionAvro.fromAvro(badBasis));
        Session badSide = SessionAvro.toAvro(s);
        badSide.getRst().setBy("middlebox");
        assertThrows(BadRecordException.class, () -> SessionAvro.fromAvro(badSide));
        Session badRoles = SessionAvro.toAvro(s);
        badRoles.setFinFrom(List.of("client", "nobody"));
        assertThrows(BadRecordException.class, () -> SessionAvro.fromAvro(badRoles));
        SessionRecord withCert = sessions.stream().filter(x -> !x.certificates().isEmpty()).findFirst().orElseThrow();
        Session badTime = SessionAvro.toAvro(withCert);
        badTime.getCertificates().get(0).setNotAfter("next tuesday");
        assertThrows(BadRecordException.class, () -> SessionAvro.fromAvro(badTime));
        // and the untouched record is fine
        assertTrue(SessionAvro.fromAvro(SessionAvro.toAvro(s)) != null);
    }

    /** {@code s} with the hello facts the record does not carry as fromAvro gives them back. */
    private static SessionRecord asCarried(SessionRecord s) {
        ClientHelloInfo ci = s.clientHello();
        if (ci != null) {
            ClientHello h = ci.hello();
            ci = new ClientHelloInfo(ci.frame(), ci.tsNanos(), new ClientHello(h.sslv2Format(), h.recordVersion(),
                    h.handshakeVersion(), h.cipherSuites(), List.of(), SessionAvro.NOT_CARRIED, SessionAvro.NOT_CARRIED,
                    h.extensionTypes(), h.sni(), h.alpn(), h.supportedVersions(), h.supportedGroups(),
                    h.ecPointFormats(), h.signatureAlgorithms(), h.messageLength(), h.records(), h.tcpSegments()),
                    ci.ja3(), ci.ja3Full(), ci.ja4(), ci.grease());
        }
        ServerHelloInfo si = s.serverHello();
        if (si != null) {
            ServerHello h = si.hello();
            si = new ServerHelloInfo(si.frame(), si.tsNanos(), new ServerHello(h.sslv2Format(), h.recordVersion(),
                    h.handshakeVersion(), h.selectedVersion(), h.cipher(), SessionAvro.NOT_CARRIED, h.extensionTypes(),
                    h.alpn(), h.helloRetryRequest()), si.ja3s());
        }
        return new SessionRecord(s.capture(), s.flowId(), s.client(), s.server(), s.clientBasis(), s.firstTsNanos(),
                s.lastTsNanos(), s.firstFrame(), s.lastFrame(), s.packets(), s.bytesC2s(), s.bytesS2c(), s.synSeen(),
                s.synackSeen(), s.outcome(), s.reason(), ci, si, s.clientHelloCount(), s.serverHelloCount(),
                s.certificates(), s.alerts(), s.rstFrom(), s.rstFrames(), s.finFrom(), s.resetAfterClientHello(),
                s.rst(), s.abort(), s.abruptClose(), s.starttls(), s.gaps(), s.captureLoss(), s.anomalies(),
                s.history());
    }
}
