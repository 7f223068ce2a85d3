package dev.nfe.dissect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The protection state machine (STYLE.md item 10): its table against the rules as the class
 * comment writes them, after every event of every event sequence; and the states real handshakes
 * go through, record after record.
 */
class ProtectionTest {

    /**
     * The rules in words, kept as the facts they name: "this direction offered TLS 1.3", "sent a
     * HelloRetryRequest", "its ServerHello selected TLS 1.3", "a CCS protects", "a CCS from a client
     * that offered TLS 1.3 (compatibility)".
     */
    private record Rules(boolean offered, boolean sentHrr, boolean tls13, boolean ccsProtects, boolean ccsCompat) {
        static final Rules START = new Rules(false, false, false, false, false);

        Rules after(Protection.Event e) {
            return switch (e) {
                case CLIENT_HELLO_TLS13 -> new Rules(true, sentHrr, tls13, ccsProtects, ccsCompat);
                case HELLO_RETRY_REQUEST -> new Rules(offered, true, tls13, ccsProtects, ccsCompat);
                case SERVER_HELLO_TLS13 -> new Rules(offered, sentHrr, true, ccsProtects, ccsCompat);
                // a CCS after an HRR or a TLS 1.3 ServerHello protects nothing
                case CHANGE_CIPHER_SPEC -> sentHrr || tls13 ? this
                        : new Rules(offered, sentHrr, tls13, ccsProtects || !offered, ccsCompat || offered);
            };
        }

        Protection.Reading reading() {
            if (tls13 || ccsProtects) {
                return Protection.Reading.PROTECTED;
            }
            return ccsCompat ? Protection.Reading.CLIENT_HELLO_ONLY : Protection.Reading.CLEAR;
        }

        boolean ccsEndsHandshake() {
            return !(sentHrr || tls13);
        }
    }

    @Test
    void everySequenceOfEventsFollowsTheRules() {
        int checked = walk(Protection.CLEAR, Rules.START, 7, new ArrayList<>());
        assertTrue(checked > 4000, "sequences checked: " + checked);
    }

    private static int walk(Protection state, Rules rules, int depth, List<Protection.Event> path) {
        assertEquals(rules.reading(), state.reading(), path + " -> " + state);
        assertEquals(rules.ccsEndsHandshake(), state.ccsEndsHandshake(), path + " -> " + state);
        assertEquals(!rules.tls13(), state.decodesCertificates(), path + " -> " + state);
        if (depth == 0) {
            return 1;
        }
        int n = 1;
        for (Protection.Event e : Protection.Event.values()) {
            if (state == Protection.CCS_PROTECTED && e != Protection.Event.CHANGE_CIPHER_SPEC) {
                // every handshake record is protected: no hello can be read (the table keeps the state)
                assertEquals(Protection.CCS_PROTECTED, state.after(e));
                continue;
            }
            path.add(e);
            n += walk(state.after(e), rules.after(e), depth - 1, path);
            path.remove(path.size() - 1);
        }
        return n;
    }

    @Test
    void everyStateIsReachedAndNamedOnce() {
        java.util.Set<Protection> seen = java.util.EnumSet.noneOf(Protection.class);
        java.util.ArrayDeque<Protection> todo = new java.util.ArrayDeque<>(List.of(Protection.CLEAR));
        while (!todo.isEmpty()) {
            Protection s = todo.pop();
            if (seen.add(s)) {
                for (Protection.Event e : Protection.Event.values()) {
                    todo.push(s.after(e));
                }
            }
        }
        assertEquals(java.util.EnumSet.allOf(Protection.class), seen);
    }

    /**
     * Real connections, fed with their TCP segmentation: the protection state after each record
     * (repeats left out). A TLS 1.2 side is protected by its CCS; a TLS 1.3 client's CCS is the
     * compatibility one, and after an HRR its second ClientHello is still read; a TLS 1.3 server
     * is protected from its ServerHello, and its CCS (after an HRR or after the ServerHello)
     * changes nothing.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "tls12-openssl-chain, C, CLEAR CCS_PROTECTED, 1",
        "tls12-openssl-chain, S, CLEAR CCS_PROTECTED, 0",
        "hrr-google, C, OFFERED_TLS13 COMPAT_CCS, 2",
        "hrr-google, S, SENT_HRR TLS13, 0",
        "starttls-pgsql-hrr, C, OFFERED_TLS13 COMPAT_CCS, 2",
        "starttls-pgsql-hrr, S, SENT_HRR TLS13, 0",
        "tls13-grease-ech-meet, C, OFFERED_TLS13, 1",
        "tls13-grease-ech-meet, S, TLS13, 0",
        "sslv2-session, C, CLEAR, 1"})
    void realHandshakesGoThroughTheStatesTheRulesName(String fixture, char dir, String states, int clientHellos) {
        LayerStack stack = LayerStack.segments(Fixture.load(fixture).direction(dir), new TlsContext(TlsLimits.DEFAULT));
        List<String> seen = new ArrayList<>();
        for (LayerStack.Call c : stack.calls) {
            String s = c.protection().name();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(s)) {
                seen.add(s);
            }
        }
        assertEquals(List.of(states.split(" ")), seen, stack.calls.toString());
        assertEquals(clientHellos, stack.events.of("clientHello").size());
        assertEquals(0, stack.events.of("violation").size());
    }
}
