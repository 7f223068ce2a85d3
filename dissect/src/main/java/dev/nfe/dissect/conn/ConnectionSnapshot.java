package dev.nfe.dissect.conn;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.CertificateInfo;
import dev.nfe.dissect.tls.TlsStreamDecoder;

import java.util.List;

/**
 * Everything a finished connection told, read once and immutable: what {@link SessionAssembler}
 * builds the session record from. Sides and events are by direction index (0 = sender of the
 * first segment seen); roles are not decided yet.
 *
 * @param endpoint0       the sender of the first segment
 * @param endpoint1       its receiver (the other endpoint, even if it never sent)
 * @param side1           null when endpoint1 never sent a segment
 * @param events          turning points in arrival order (capped; {@code timelineCapped} then)
 * @param rsts            the first RSTs (capped), all also in {@code events} while it had room
 * @param rstCount        every RST
 * @param certificates0   the connection's first certificate chain when direction 0 sent it, else empty
 * @param certificates1   the same for direction 1
 */
public record ConnectionSnapshot(
        Endpoint endpoint0,
        Endpoint endpoint1,
        Side side0,
        Side side1,
        List<ConnEvent> events,
        boolean timelineCapped,
        List<ConnEvent> rsts,
        int rstCount,
        int clientHellos,
        String starttls,
        List<CertificateInfo> certificates0,
        List<CertificateInfo> certificates1,
        long firstFrame,
        long lastFrame,
        long firstTs,
        long lastTs,
        long packets,
        List<String> anomalies) {

    public ConnectionSnapshot {
        events = List.copyOf(events);
        rsts = List.copyOf(rsts);
        certificates0 = List.copyOf(certificates0);
        certificates1 = List.copyOf(certificates1);
        anomalies = List.copyOf(anomalies);
    }

    /**
     * What one direction's sender did.
     *
     * @param ttlBaseline TTL of its SYN / SYN-ACK, else of its first packet; -1 when it sent nothing
     * @param spokeTls    its decoder reported something only TLS has
     * @param mode        what its byte stream turned out to carry
     * @param gaps        holes in its stream that were never filled
     * @param capped      its reassembler hit the out-of-order byte cap
     * @param reanchored  its data did not follow its SYN (the stream was re-anchored)
     */
    public record Side(Endpoint sender, long packets, long wireBytes, int ttlBaseline, boolean synSeen,
                       boolean finSeen, boolean rstSent, boolean spokeTls, TlsStreamDecoder.Mode mode, long gaps,
                       boolean capped, boolean reanchored) {
    }

    /** The side with direction index {@code d}; null for 1 when that endpoint never sent. */
    public Side side(int d) {
        return d == 0 ? side0 : side1;
    }

    /** The endpoint that sends in direction {@code d}, even when it never sent anything. */
    public Endpoint endpoint(int d) {
        return d == 0 ? endpoint0 : endpoint1;
    }

    public List<CertificateInfo> certificatesFrom(int d) {
        return d == 0 ? certificates0 : certificates1;
    }
}
