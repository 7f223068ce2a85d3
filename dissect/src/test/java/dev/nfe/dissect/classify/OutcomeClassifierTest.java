package dev.nfe.dissect.classify;

import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.nfe.dissect.classify.EventKind.ALERT;
import static dev.nfe.dissect.classify.EventKind.CCS;
import static dev.nfe.dissect.classify.EventKind.CLIENT_HELLO;
import static dev.nfe.dissect.classify.EventKind.ENCRYPTED;
import static dev.nfe.dissect.classify.EventKind.FIN;
import static dev.nfe.dissect.classify.EventKind.GAP;
import static dev.nfe.dissect.classify.EventKind.HANDSHAKE;
import static dev.nfe.dissect.classify.EventKind.PLAINTEXT;
import static dev.nfe.dissect.classify.EventKind.RST;
import static dev.nfe.dissect.classify.EventKind.SERVER_HELLO;
import static dev.nfe.dissect.classify.EventKind.SYN;
import static dev.nfe.dissect.classify.EventKind.SYNACK;
import static dev.nfe.dissect.report.Role.CLIENT;
import static dev.nfe.dissect.report.Role.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The outcome vocabulary of DESIGN.md, one timeline per rule. Timelines are what the connection
 * tracker records (turning points in arrival order); the corpus and loopback tests check the
 * same rules end to end on real captures.
 */
class OutcomeClassifierTest {
    private static final long MS = 1_000_000L;
    private final OutcomeClassifier classifier = new OutcomeClassifier(5_000 * MS);

    private static final ClientHello HELLO = new ClientHello(false, 0x0301, 0x0303, List.of(0x1301, 0x1302),
            List.of(0), 32, -1, List.of(0, 43), "www.example.test", List.of("h2"), List.of(0x0304, 0x0303),
            List.of(29), List.of(0), List.of(0x0403), 512, 1, 1);
    private static final ServerHello SH12 = new ServerHello(false, 0x0303, 0x0303, 0x0303, 0xc02f, 0, List.of(), null, false);
    private static final ServerHello SH13 = new ServerHello(false, 0x0303, 0x0303, 0x0304, 0x1301, 0, List.of(43, 51), null, false);
    private static final ServerHello HRR = new ServerHello(false, 0x0303, 0x0303, 0x0304, 0x1301, 0, List.of(43, 51), null, true);

    /** Builds a timeline: frames and timestamps (1 ms apart) follow the order of the steps. */
    private static final class T {
        final List<Step> steps = new ArrayList<>();

        T add(Event e, Role r) {
            long n = steps.size() + 1;
            steps.add(new Step(r, n, n * MS, e));
            return this;
        }

        /** A turning point without a value (a RST with made-up header facts). */
        T add(EventKind k, Role r) {
            return add(switch (k) {
                case SYN -> Event.SYN;
                case SYNACK -> Event.SYNACK;
                case CCS -> Event.CCS;
                case FIN -> new Event.Fin(64, Event.Side.UNKNOWN, Event.Side.UNKNOWN);
                case RST -> new Event.Rst(64, -1, Event.Side.UNKNOWN, Event.Side.UNKNOWN);
                case CLIENT_HELLO, SERVER_HELLO, HANDSHAKE, ENCRYPTED, ALERT, PLAINTEXT, STARTTLS, GAP, VIOLATION ->
                        throw new IllegalArgumentException(k + " carries a value: add(Event, Role)");
            }, r);
        }

        T handshakeStart() {
            return add(SYN, CLIENT).add(SYNACK, SERVER).add(new Event.Hello(HELLO, 0), CLIENT);
        }

        Timeline ending(long endMs) {
            return new Timeline(steps, endMs * MS, false);
        }

        Timeline ended() {
            return ending(steps.size() + 1);
        }
    }

    private Verdict classify(Timeline t) {
        return classifier.classify(t);
    }

    @Test
    void serverResetRightAfterTheHelloIsTheCrashedWorker() {
        Verdict v = classify(new T().handshakeStart().add(RST, SERVER).ended());
        assertEquals(Outcome.RESET_AFTER_CLIENT_HELLO, v.outcome());
        assertEquals("rst_by_server", v.reason());
        assertEquals(RST, v.reaction().kind());
        assertEquals(CLIENT_HELLO, v.hello().kind());
    }

    @Test
    void clientSideResetIsStillAResetAfterTheHelloButSaysWho() {
        Verdict v = classify(new T().handshakeStart().add(RST, CLIENT).add(RST, SERVER).ended());
        assertEquals(Outcome.RESET_AFTER_CLIENT_HELLO, v.outcome());
        assertEquals("rst_by_client", v.reason());
    }

    @Test
    void finFirstMeansClosedAfterTheHelloEvenIfARstFollows() {
        Verdict v = classify(new T().handshakeStart().add(FIN, SERVER).add(RST, CLIENT).ended());
        assertEquals(Outcome.CLOSED_AFTER_CLIENT_HELLO, v.outcome());
    }

    @Test
    void plaintextAlertFromTheServer() {
        Verdict v = classify(new T().handshakeStart().add(new Event.AlertSeen(new Alert(false, 2, 70)), SERVER).add(FIN, SERVER).ended());
        assertEquals(Outcome.SERVER_ALERT, v.outcome());
        assertEquals("protocol_version", v.reason());
    }

    @Test
    void clientAbortsAfterTheServerFlight() {
        Verdict v = classify(new T().handshakeStart().add(new Event.ServerHelloSeen(SH12), SERVER).add(new Event.Handshake(11), SERVER)
                .add(new Event.AlertSeen(new Alert(false, 2, 48)), CLIENT).add(FIN, CLIENT).ended());
        assertEquals(Outcome.CLIENT_ALERT, v.outcome());
        assertEquals("unknown_ca", v.reason());
    }

    @Test
    void tls12CompletesWithChangeCipherSpecAndFinishedBothWays() {
        Verdict v = classify(new T().handshakeStart().add(new Event.ServerHelloSeen(SH12), SERVER).add(new Event.Handshake(11), SERVER)
                .add(CCS, CLIENT).add(new Event.Protected(22, 40), CLIENT)
                .add(CCS, SERVER).add(new Event.Protected(22, 40), SERVER)
                .add(RST, CLIENT).ended());
        assertEquals(Outcome.COMPLETED, v.outcome());
        assertEquals("handshake_tls12", v.reason());
    }

    @Test
    void tls12WithOnlyOneSideFinishedIsNotComplete() {
        Verdict v = classify(new T().handshakeStart().add(new Event.ServerHelloSeen(SH12), SERVER)
                .add(CCS, CLIENT).add(new Event.Protected(22, 40), CLIENT).add(FIN, SERVER).ended());
        assertEquals(Outcome.CLOSED_DURING_HANDSHAKE, v.outcome());
        assertEquals("fin_by_server", v.reason());
    }

    @Test
    void tls13CompletesWithProtectedRecordsBothWaysAfterTheServerHello() {
        Verdict v = classify(new T().handshakeStart().add(new Event.ServerHelloSeen(SH13), SERVER).add(CCS, SERVER)
                .add(new Event.Protected(23, 1200), SERVER).add(CCS, CLIENT)
                .add(new Event.Protected(23, 53), CLIENT).ended());
        assertEquals(Outcome.COMPLETED, v.outcome());
        assertEquals("handshake_tls13", v.reason());
    }

    @Test
    void tls13ClientAbortHiddenInAnAlertSizedRecord() {
        Verdict v = classify(new T().handshakeStart().add(new Event.ServerHelloSeen(SH13), SERVER)
                .add(new Event.Protected(23, 1200), SERVER).add(new Event.Protected(23, 19), CLIENT)
                .add(FIN, CLIENT).ended());
        assertEquals(Outcome.CLIENT_ALERT, v.outcome());
        assertEquals("encrypted_alert_inferred", v.reason());
    }

    @Test
    void helloRetryRequestThenSecondHelloCompletes() {
        Verdict v = classify(new T().handshakeStart().add(new Event.ServerHelloSeen(HRR), SERVER).add(new Event.Hello(HELLO, 0), CLIENT)
                .add(new Event.ServerHelloSeen(SH13), SERVER).add(new Event.Protected(23, 900), SERVER)
                .add(new Event.Protected(23, 69), CLIENT).ended());
        assertEquals(Outcome.COMPLETED, v.outcome());
    }

    @Test
    void httpAnswerToAHello() {
        Verdict v = classify(new T().handshakeStart().add(new Event.Plaintext("HTTP/1.1 400".getBytes()), SERVER).add(FIN, SERVER).ended());
        assertEquals(Outcome.NON_TLS_RESPONSE, v.outcome());
    }

    @Test
    void clientGivesUpOnASilentServer() {
        Verdict v = classify(new T().handshakeStart().add(FIN, CLIENT).add(FIN, SERVER).ended());
        assertEquals(Outcome.NO_SERVER_RESPONSE, v.outcome());
        assertEquals("client_gave_up", v.reason());
        assertEquals(FIN, v.reaction().kind());
        assertEquals(CLIENT, v.reaction().role());
    }

    @Test
    void unansweredUntilTheEndDependsOnHowLongWeWatched() {
        assertEquals(Outcome.NO_SERVER_RESPONSE, classify(new T().handshakeStart().ending(60_000)).outcome());
        Verdict shortWatch = classify(new T().handshakeStart().ending(10));
        assertEquals(Outcome.INDETERMINATE, shortWatch.outcome());
        assertEquals("capture_ended_after_client_hello", shortWatch.reason());
    }

    @Test
    void resetAndCloseDuringTheHandshake() {
        assertEquals(Outcome.RESET_DURING_HANDSHAKE,
                classify(new T().handshakeStart().add(new Event.ServerHelloSeen(SH12), SERVER).add(RST, SERVER).ended()).outcome());
        Verdict v = classify(new T().handshakeStart().add(new Event.ServerHelloSeen(SH12), SERVER).add(FIN, CLIENT).ended());
        assertEquals(Outcome.CLOSED_DURING_HANDSHAKE, v.outcome());
        assertEquals("fin_by_client", v.reason());
    }

    @Test
    void synAnsweredByRstIsARefusal() {
        Verdict v = classify(new T().add(SYN, CLIENT).add(RST, SERVER).ended());
        assertEquals(Outcome.CONNECTION_REFUSED, v.outcome());
        assertNull(v.hello());
    }

    @Test
    void connectionsWithoutAClientHello() {
        assertEquals(Outcome.NOT_TLS, classify(new T().add(SYN, CLIENT).add(SYNACK, SERVER)
                .add(new Event.Plaintext("GET /".getBytes()), CLIENT).add(RST, SERVER).ended()).outcome());
        assertEquals(Outcome.MIDSTREAM, classify(new T().add(new Event.Protected(23, 100), CLIENT)
                .add(new Event.Protected(23, 100), SERVER).ended()).outcome());
        assertEquals(Outcome.INDETERMINATE, classify(new T().add(new Event.ServerHelloSeen(SH12), SERVER).ended()).outcome());
    }

    @Test
    void aGapInTheServersStreamLeavesNoVerdict() {
        Verdict v = classify(new T().handshakeStart().add(new Event.Gap(1000L), SERVER).add(RST, SERVER).ended());
        assertEquals(Outcome.INDETERMINATE, v.outcome());
        assertEquals("gap_after_client_hello", v.reason());
    }

    @Test
    void aCompletedHandshakeStaysCompletedWhateverComesAfter() {
        Verdict v = classify(new T().handshakeStart().add(new Event.ServerHelloSeen(SH13), SERVER)
                .add(new Event.Protected(23, 900), SERVER).add(new Event.Protected(23, 69), CLIENT)
                .add(new Event.AlertSeen(Alert.encryptedAlert()), SERVER).add(RST, SERVER).ended());
        assertEquals(Outcome.COMPLETED, v.outcome());
    }
}
