/**
 * Fingerprints of TLS hellos and flows, computed from the decoded hello records
 * ({@link dev.nfe.dissect.report.ClientHello}, {@link dev.nfe.dissect.report.ServerHello}) and the
 * flow's endpoints, so that nfe's session records join with other tools' output.
 *
 * <ul>
 *   <li>{@link dev.nfe.dissect.fingerprint.Ja3} / {@link dev.nfe.dissect.fingerprint.Ja3s}:
 *       Salesforce JA3 and JA3S: decimal lists of the hello's fields, GREASE left out, MD5.
 *       Bit-for-bit what tshark prints as {@code tls.handshake.ja3} / {@code ja3s}.</li>
 *   <li>{@link dev.nfe.dissect.fingerprint.Ja4}: FoxIO's JA4 TLS client fingerprint
 *       (BSD-3-Clause). The other JA4+ methods (JA4S, JA4H, JA4X, JA4L, JA4SSH, JA4T ...) are
 *       under the FoxIO licence and are deliberately absent.</li>
 *   <li>{@link dev.nfe.dissect.fingerprint.CommunityId}: Community ID v1, the session's
 *       {@code flow_id}.</li>
 * </ul>
 *
 * <p>SSLv2-format hellos get no JA3/JA3S/JA4 ({@code null}): those fingerprints are defined over
 * 2-byte TLS cipher suites and extensions, which an SSLv2 hello does not have, and no reference
 * tool computes one for it.
 *
 * <p>Everything here is a pure function of immutable inputs (plus a per-instance digest in
 * {@code CommunityId}); there is no shared state.
 */
package dev.nfe.dissect.fingerprint;
