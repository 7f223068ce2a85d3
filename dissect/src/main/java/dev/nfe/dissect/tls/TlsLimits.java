package dev.nfe.dissect.tls;

/**
 * Caps for one direction's TLS decoding. Hitting one is reported as an anomaly or a violation,
 * never an OutOfMemoryError.
 *
 * @param maxRecordBytes      largest record buffered whole (header + body); TLS allows 2^14 + 2048
 * @param maxHandshakeMessage largest handshake message reassembled across records
 * @param maxCertificates     certificates decoded per chain
 * @param maxListEntries      entries kept per list (cipher suites, extensions, ...)
 * @param maxPlaintextScan    bytes of a plaintext prefix inspected while looking for STARTTLS
 */
public record TlsLimits(
        int maxRecordBytes,
        int maxHandshakeMessage,
        int maxCertificates,
        int maxListEntries,
        int maxPlaintextScan) {

    public static final TlsLimits DEFAULT = new TlsLimits(5 + 16384 + 2048 + 256, 256 * 1024, 10, 512, 64 * 1024);

    public TlsLimits {
        if (maxRecordBytes < 5 + 16384 || maxHandshakeMessage < 4 || maxCertificates < 0 || maxListEntries < 1
                || maxPlaintextScan < 0) {
            throw new IllegalArgumentException("TLS limits too small");
        }
    }
}
