package dev.nfe.dissect.conn;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.ServerHelloInfo;
import dev.nfe.dissect.tls.ClientHello;
import dev.nfe.dissect.tls.ServerHello;

/**
 * Computes the fingerprints and flow id a session carries. One per dissector (it may keep
 * digests between calls); not thread-safe.
 */
final class Fingerprinter {

    ClientHelloInfo clientHello(long frame, long tsNanos, ClientHello hello) {
        return new ClientHelloInfo(frame, tsNanos, hello, null, null, null);
    }

    ServerHelloInfo serverHello(long frame, long tsNanos, ServerHello hello) {
        return new ServerHelloInfo(frame, tsNanos, hello, null);
    }

    String flowId(Endpoint client, Endpoint server) {
        return null;
    }
}
