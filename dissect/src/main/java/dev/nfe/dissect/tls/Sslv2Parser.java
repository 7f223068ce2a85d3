package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the plaintext SSLv2 handshake messages (draft-hickman-netscape-ssl-00, "SSL Handshake
 * Protocol"; RFC 6101 appendix E.2 for the SSLv2-format hello that offers SSLv3/TLS). The body
 * given to each method is the message of one record: what follows the 2- or 3-byte SSLv2 record
 * header, starting with the message type, without the padding a 3-byte header announces.
 */
final class Sslv2Parser {
    static final int ERROR = 0;
    static final int CLIENT_HELLO = 1;
    static final int CLIENT_MASTER_KEY = 2;
    static final int SERVER_HELLO = 4;

    private Sslv2Parser() {
    }

    /**
     * <pre>
     *   char MSG-CLIENT-HELLO                  (1)
     *   char CLIENT-VERSION-MSB, CLIENT-VERSION-LSB     (0x0002, or 0x0300..0x0304 for a v3 hello)
     *   char CIPHER-SPECS-LENGTH-MSB, -LSB     (a multiple of 3)
     *   char SESSION-ID-LENGTH-MSB, -LSB       (0 or 16)
     *   char CHALLENGE-LENGTH-MSB, -LSB        (16..32)
     *   char CIPHER-SPECS-DATA[(MSB&lt;&lt;8)|LSB]   (3 bytes each; TLS suites appear as 0x00XXXX)
     *   char SESSION-ID-DATA[(MSB&lt;&lt;8)|LSB]
     *   char CHALLENGE-DATA[(MSB&lt;&lt;8)|LSB]
     * </pre>
     *
     * @return the hello (recordVersion -1, messageLength = record body length), or null after a violation
     */
    static ClientHello clientHello(byte[] b, int off, int len, TlsLimits limits, IntListInterner lists,
            Issues issues) {
        Cursor c = new Cursor(b, off, len);
        if (!c.has(9) || c.u8() != CLIENT_HELLO) {
            issues.violation("malformed_sslv2_client_hello: shorter than its fixed part");
            return null;
        }
        int version = c.u16();
        int specsLength = c.u16();
        int sessionIdLength = c.u16();
        int challengeLength = c.u16();
        if (specsLength % 3 != 0 || !c.has(specsLength + sessionIdLength + challengeLength)) {
            issues.violation("malformed_sslv2_client_hello: lengths " + specsLength + "/" + sessionIdLength + "/"
                    + challengeLength + " do not fit the record");
            return null;
        }
        List<Integer> specs = new ArrayList<>(specsLength / 3);
        Extensions.readInts(c.sub(specsLength), 3, limits.maxListEntries(), specs, issues);
        c.skip(sessionIdLength + challengeLength);
        if (c.remaining() > 0) {
            issues.anomaly("trailing_bytes");
        }
        // shared like a TLS hello's lists: what is derived from a hello's shape is cached by list identity
        return new ClientHello(true, -1, version, lists.intern(specs), List.of(), sessionIdLength, challengeLength,
                List.of(), null, List.of(), List.of(), List.of(), List.of(), List.of(), len, 1, 1);
    }

    /** An SSLv2 SERVER-HELLO and where its certificate is, if it carries one. */
    record ServerHelloAndCertificate(ServerHello hello, int certificateOffset, int certificateLength) {
    }

    /**
     * <pre>
     *   char MSG-SERVER-HELLO                  (4)
     *   char SESSION-ID-HIT
     *   char CERTIFICATE-TYPE                  (1 = SSL_CT_X509_CERTIFICATE)
     *   char SERVER-VERSION-MSB, -LSB          (0x0002)
     *   char CERTIFICATE-LENGTH-MSB, -LSB
     *   char CIPHER-SPECS-LENGTH-MSB, -LSB
     *   char CONNECTION-ID-LENGTH-MSB, -LSB
     *   char CERTIFICATE-DATA[MSB&lt;&lt;8|LSB]
     *   char CIPHER-SPECS-DATA[MSB&lt;&lt;8|LSB]
     *   char CONNECTION-ID-DATA[MSB&lt;&lt;8|LSB]
     * </pre>
     * selectedVersion = server version; cipher = the first cipher spec (-1 when there is none).
     */
    static ServerHelloAndCertificate serverHello(byte[] b, int off, int len, TlsLimits limits, Issues issues) {
        Cursor c = new Cursor(b, off, len);
        if (!c.has(11) || c.u8() != SERVER_HELLO) {
            issues.violation("malformed_sslv2_server_hello: shorter than its fixed part");
            return null;
        }
        c.u8(); // session-id-hit
        int certificateType = c.u8();
        int version = c.u16();
        int certificateLength = c.u16();
        int specsLength = c.u16();
        int connectionIdLength = c.u16();
        if (specsLength % 3 != 0 || !c.has(certificateLength + specsLength + connectionIdLength)) {
            issues.violation("malformed_sslv2_server_hello: lengths " + certificateLength + "/" + specsLength + "/"
                    + connectionIdLength + " do not fit the record");
            return null;
        }
        int certificateOffset = c.pos;
        c.skip(certificateLength);
        List<Integer> specs = new ArrayList<>(specsLength / 3);
        Extensions.readInts(c.sub(specsLength), 3, limits.maxListEntries(), specs, issues);
        c.skip(connectionIdLength);
        if (c.remaining() > 0) {
            issues.anomaly("trailing_bytes");
        }
        ServerHello hello = new ServerHello(true, -1, version, version, specs.isEmpty() ? -1 : specs.get(0), -1,
                List.of(), null, false);
        boolean x509 = certificateType == 1 && certificateLength > 0;
        return new ServerHelloAndCertificate(hello, x509 ? certificateOffset : -1, x509 ? certificateLength : 0);
    }

    /**
     * True when the body is a plaintext CLIENT-MASTER-KEY whose lengths add up:
     * <pre>
     *   char MSG-CLIENT-MASTER-KEY (2); char CIPHER-KIND[3];
     *   char CLEAR-KEY-LENGTH-MSB/LSB; char ENCRYPTED-KEY-LENGTH-MSB/LSB; char KEY-ARG-LENGTH-MSB/LSB;
     *   char CLEAR-KEY-DATA[..]; char ENCRYPTED-KEY-DATA[..]; char KEY-ARG-DATA[..]
     * </pre>
     */
    static boolean isClientMasterKey(byte[] b, int off, int len) {
        if (len < 10 || (b[off] & 0xff) != CLIENT_MASTER_KEY) {
            return false;
        }
        int clear = u16(b, off + 4);
        int encrypted = u16(b, off + 6);
        int keyArg = u16(b, off + 8);
        return 10 + clear + encrypted + keyArg == len;
    }

    /** True when the body is a plaintext ERROR: {@code char MSG-ERROR (0); char ERROR-CODE-MSB/LSB}. */
    static boolean isError(byte[] b, int off, int len) {
        if (len != 3 || (b[off] & 0xff) != ERROR || (b[off + 1] & 0xff) != 0) {
            return false;
        }
        int code = b[off + 2] & 0xff;
        return code == 1 || code == 2 || code == 4 || code == 6;
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }
}
