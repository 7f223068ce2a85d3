package dev.nfe.capture.decode;

import dev.nfe.capture.Endpoint;
import dev.nfe.capture.IpAddress;

/**
 * The endpoints of recent segments, shared between them: the packets of a connection carry the
 * same two endpoints over and over, and making two addresses and two endpoints for every packet
 * was a fifth of what a replay allocated (82 MB of 720 MB on the 30,000-connection loopback
 * capture). Endpoints are immutable values, so a shared one is the one that would have been made.
 *
 * <p>Direct-mapped: one endpoint per slot, the newest wins. Bounded, no bookkeeping; a miss only
 * makes a new endpoint. One per decoder (one thread).
 */
final class Endpoints {
    private static final int BITS = 12;
    private static final long MIX = 0x9E3779B97F4A7C15L;

    private final Endpoint[] slots = new Endpoint[1 << BITS];

    /** The IPv4 endpoint {@code address:port} ({@code address} in the low 32 bits). */
    Endpoint v4(long address, int port) {
        return of(false, 0, address & 0xffff_ffffL, port);
    }

    /** The IPv6 endpoint {@code [hi lo]:port}. */
    Endpoint v6(long hi, long lo, int port) {
        return of(true, hi, lo, port);
    }

    private Endpoint of(boolean v6, long hi, long lo, int port) {
        int slot = (int) ((((hi * MIX + lo) * MIX + port) * MIX) >>> (64 - BITS));
        Endpoint e = slots[slot];
        if (e != null && e.port() == port) {
            IpAddress a = e.ip();
            if (a.lo() == lo && a.hi() == hi && a.v6() == v6) {
                return e;
            }
        }
        e = new Endpoint(v6 ? IpAddress.v6(hi, lo) : IpAddress.v4((int) lo), port);
        slots[slot] = e;
        return e;
    }
}
