package dev.nfe.dissect.report;

import java.time.Instant;
import java.util.List;

/**
 * The facts of one X.509 certificate from a server's Certificate message (TLS <= 1.2, where the
 * chain is in clear), decoded with Bouncy Castle.
 *
 * @param subject            RFC 4514 string of the subject DN
 * @param issuer             RFC 4514 string of the issuer DN
 * @param notBefore          start of validity
 * @param notAfter           end of validity
 * @param san                subjectAltName dNSName / iPAddress entries, in order
 * @param serial             serial number, lowercase hex
 * @param signatureAlgorithm signature algorithm name (e.g. "SHA256withRSA") or its OID
 * @param publicKey          key type and size, e.g. "RSA 2048", "EC secp256r1", "Ed25519"
 * @param sha256             SHA-256 of the DER encoding, lowercase hex
 */
public record CertificateInfo(
        String subject,
        String issuer,
        Instant notBefore,
        Instant notAfter,
        List<String> san,
        String serial,
        String signatureAlgorithm,
        String publicKey,
        String sha256) {

    public CertificateInfo {
        san = List.copyOf(san);
    }
}
