package dev.nfe.dissect.conn;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.fingerprint.CommunityId;
import dev.nfe.dissect.fingerprint.Ja3;
import dev.nfe.dissect.fingerprint.Ja3s;
import dev.nfe.dissect.fingerprint.Ja4;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.ServerHelloInfo;
import dev.nfe.dissect.tls.ClientHello;
import dev.nfe.dissect.tls.ServerHello;

/**
 * Computes the fingerprints (JA3, JA4 over TCP, JA3S) and the Community ID flow id a session
 * carries. One per dissector: it keeps a SHA-1 digest between calls; not thread-safe.
 */
final class Fingerprinter {
    private static final int TCP = 6;
    private final CommunityId communityId = new CommunityId(0);

    ClientHelloInfo clientHello(long frame, long tsNanos, ClientHello hello) {
        Ja3 ja3 = Ja3.of(hello);
        return new ClientHelloInfo(frame, tsNanos, hello, ja3 == null ? null : ja3.hash(),
                ja3 == null ? null : ja3.full(), Ja4.of(hello, 't'));
    }

    ServerHelloInfo serverHello(long frame, long tsNanos, ServerHello hello) {
        Ja3s ja3s = Ja3s.of(hello);
        return new ServerHelloInfo(frame, tsNanos, hello, ja3s == null ? null : ja3s.hash());
    }

    String flowId(Endpoint client, Endpoint server) {
        return communityId.of(client, server, TCP);
    }
}
