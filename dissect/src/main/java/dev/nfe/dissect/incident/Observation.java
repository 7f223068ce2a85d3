package dev.nfe.dissect.incident;

import dev.nfe.capture.Endpoint;
import dev.nfe.capture.IpAddress;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.Severity;

import java.util.List;

/**
 * What the incident engine keeps of one session: a failure (its finding and fault) or a handshake
 * that completed without one. Everything else a session holds is left behind, so that an engine
 * can hold many of these for a while (to put them in event-time order) in little memory.
 *
 * @param tsNanos         event time: the finding's time, or the ClientHello of a completed handshake
 * @param order           ties in time are broken by this (the finding id, or the flow and first time)
 * @param server          the server endpoint as the session has it
 * @param host            the server's incident key: the same for 127.0.0.1 and [::1] on one port
 *                        (one host, two address families), and for an IPv4-mapped IPv6 address
 * @param fault           null for a completed handshake
 * @param kind            the finding's kind; null for a completed handshake
 * @param findingId       null for a completed handshake
 * @param features        the hello's features (HelloFeatures), null without a hello
 * @param helloFormat     "SSLv2-format TLS 1.0", "TLS 1.3", ... or "no hello"
 * @param sni             the hello's SNI or null
 * @param rstBy           who sent the RST that decided the finding; null when no RST did
 * @param rstTtlMatch     whether that RST's TTL matched its sender's; null when unknown
 * @param afterHelloMicros from the ClientHello to the finding; null without a hello
 * @param unanswered      a request was waiting when the server dropped the connection
 */
public record Observation(
        long tsNanos,
        String order,
        Endpoint server,
        String host,
        Fault fault,
        FindingKind kind,
        Severity severity,
        String findingId,
        Endpoint client,
        List<Feature> features,
        String helloFormat,
        String sni,
        Role rstBy,
        Boolean rstTtlMatch,
        Long afterHelloMicros,
        boolean unanswered,
        String capture) {

    public Observation {
        features = features == null ? null : List.copyOf(features);
    }

    public boolean failure() {
        return fault != null;
    }

    /** Event-time order, then {@link #order}: the same sequence on every path for the same sessions. */
    static int compare(Observation a, Observation b) {
        int c = Long.compare(a.tsNanos, b.tsNanos);
        return c != 0 ? c : a.order.compareTo(b.order);
    }

    /** The incident key of a server: loopback IPv6 and IPv4-mapped addresses as their IPv4 host. */
    public static String hostKey(Endpoint server) {
        IpAddress ip = server.ip();
        if (ip.v6() && ip.hi() == 0 && ip.lo() == 1) {
            return "127.0.0.1:" + server.port(); // [::1] is 127.0.0.1's host
        }
        if (ip.v6() && ip.hi() == 0 && (ip.lo() >>> 32) == 0xffffL) {
            return IpAddress.v4((int) ip.lo()) + ":" + server.port();
        }
        return server.toString();
    }
}
