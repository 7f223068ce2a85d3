package dev.nfe.dissect.fingerprint;

import dev.nfe.capture.Endpoint;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * Community ID v1 flow hash (github.com/corelight/community-id-spec), the {@code flow_id} of a
 * session, so that nfe's records join with Zeek, Suricata, Arkime, Wireshark and others.
 *
 * <p>Spec, for the port-carrying protocols (TCP 6, UDP 17, SCTP 132):
 * <pre>
 * order the endpoints so the smaller (address, then port) comes first; addresses compare as
 * unsigned big-endian bytes, and when they are equal the ports decide
 * sha1( seed      2 bytes, big-endian (default 0)
 *     . saddr     4 or 16 bytes, network order
 *     . daddr     4 or 16 bytes
 *     . proto     1 byte
 *     . 0         1 padding byte (keeps the input 32-bit aligned)
 *     . sport     2 bytes, big-endian
 *     . dport     2 bytes, big-endian )
 * id = "1:" + base64(the 20-byte digest)       standard alphabet, with '=' padding
 * </pre>
 * ICMP (type/code mapped to ports) and port-less protocols are part of the spec but have no
 * {@link Endpoint}-shaped input; they are rejected rather than hashed wrongly.
 *
 * <p>An instance reuses its SHA-1 digest and input buffer, so it is cheap to call once per
 * connection; it is <em>not</em> thread-safe: give each partition worker its own. The static
 * {@link #v1} makes a fresh digest per call.
 */
public final class CommunityId {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int SCTP = 132;

    private final int seed;
    private final MessageDigest sha1 = Digests.digest("SHA-1");
    private final byte[] input = new byte[2 + 16 + 16 + 2 + 2 + 2];
    private final byte[] digest = new byte[20];
    /** RFC 4648 section 4, the standard alphabet. */
    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(StandardCharsets.US_ASCII);

    /** @param seed the 16-bit seed both sides of a comparison must share (0 unless configured) */
    public CommunityId(int seed) {
        this.seed = checkSeed(seed);
    }

    /** The Community ID v1 of the flow between {@code a} and {@code b}, in either order. */
    public static String v1(Endpoint a, Endpoint b, int ipProtocol, int seed) {
        return new CommunityId(seed).of(a, b, ipProtocol);
    }

    /** As {@link #v1} with this instance's seed, reusing its digest. */
    public String of(Endpoint a, Endpoint b, int ipProtocol) {
        if (ipProtocol != TCP && ipProtocol != UDP && ipProtocol != SCTP) {
            throw new IllegalArgumentException("Community ID with ports is defined for TCP, UDP and SCTP, not IP protocol "
                    + ipProtocol);
        }
        if (a.ip().v6() != b.ip().v6()) {
            throw new IllegalArgumentException("endpoints of one flow have one address family: " + a + ", " + b);
        }
        // Endpoint's order is (address as unsigned big-endian, then port): the spec's order
        Endpoint lo = a.compareTo(b) <= 0 ? a : b;
        Endpoint hi = lo == a ? b : a;
        int n = 0;
        input[n++] = (byte) (seed >>> 8);
        input[n++] = (byte) seed;
        n += lo.ip().writeTo(input, n);
        n += hi.ip().writeTo(input, n);
        input[n++] = (byte) ipProtocol;
        input[n++] = 0;
        input[n++] = (byte) (lo.port() >>> 8);
        input[n++] = (byte) lo.port();
        input[n++] = (byte) (hi.port() >>> 8);
        input[n++] = (byte) hi.port();
        sha1.reset();
        sha1.update(input, 0, n);
        try {
            sha1.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-1 gives 20 bytes", e);
        }
        return id(digest);
    }

    /**
     * "1:" and the standard base64 of the 20-byte digest (28 characters, one '=' of padding),
     * written straight into the string's bytes: one allocation per id, where a builder and the
     * encoder's own string cost three (this runs once per session).
     */
    static String id(byte[] d) {
        byte[] out = new byte[30];
        out[0] = '1';
        out[1] = ':';
        int o = 2;
        for (int i = 0; i < 18; i += 3) {
            int v = (d[i] & 0xff) << 16 | (d[i + 1] & 0xff) << 8 | (d[i + 2] & 0xff);
            out[o++] = BASE64[v >>> 18];
            out[o++] = BASE64[(v >>> 12) & 0x3f];
            out[o++] = BASE64[(v >>> 6) & 0x3f];
            out[o++] = BASE64[v & 0x3f];
        }
        int v = (d[18] & 0xff) << 16 | (d[19] & 0xff) << 8;
        out[o++] = BASE64[v >>> 18];
        out[o++] = BASE64[(v >>> 12) & 0x3f];
        out[o++] = BASE64[(v >>> 6) & 0x3f];
        out[o] = '=';
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    public int seed() {
        return seed;
    }

    private static int checkSeed(int seed) {
        if (seed < 0 || seed > 0xffff) {
            throw new IllegalArgumentException("the Community ID seed is 16 bits: " + seed);
        }
        return seed;
    }
}
