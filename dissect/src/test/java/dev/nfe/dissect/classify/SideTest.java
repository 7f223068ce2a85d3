package dev.nfe.dissect.classify;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who spoke last when a Kafka agent's payload budget hid some of the bytes (abort.unanswered). */
class SideTest {

    @Test
    void aRequestAfterTheLastResponseWaits() {
        Event.Side client = new Event.Side(-1, 10, false, -1);
        Event.Side server = new Event.Side(-1, 7, false, -1);
        assertTrue(client.spokeAfter(server));
        assertFalse(server.spokeAfter(client));
    }

    @Test
    void theServersUnseenPayloadCountsAsItsAnswer() {
        Event.Side client = new Event.Side(-1, 10, false, -1);
        Event.Side server = new Event.Side(-1, 7, false, 12);
        assertFalse(client.spokeAfter(server), "a download past the budget answered the request");
    }

    @Test
    void theClientsUnseenPayloadIsNoRequest() {
        // a TLS 1.2 close_notify under CBC is 53+ bytes: unseen, it cannot be told from data
        Event.Side client = new Event.Side(-1, 5, false, 12);
        Event.Side server = new Event.Side(-1, 7, false, -1);
        assertFalse(client.spokeAfter(server), "the budget hides a waiting request but never invents one");
    }
}
