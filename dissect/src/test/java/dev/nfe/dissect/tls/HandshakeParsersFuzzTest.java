package dev.nfe.dissect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.nfe.dissect.report.CertificateInfo;
import dev.nfe.dissect.report.ClientHello;
import java.util.List;

/**
 * Fuzzes the message parsers that meet handshake bytes straight from the wire: ClientHelloParser
 * (a TLS ClientHello body), Sslv2Parser (CLIENT-HELLO and SERVER-HELLO record bodies) and
 * CertificateDecoder (one DER certificate, and a whole Certificate message). Their contract: no
 * exception for any input; a parser returns null exactly when it reported a violation; the caps
 * of {@link TlsLimits} hold for what it returns.
 */
class HandshakeParsersFuzzTest {
    private static final TlsLimits LIMITS = TlsLimits.DEFAULT;

    @FuzzTest
    void clientHello(byte[] body) {
        FuzzIssues issues = new FuzzIssues();
        ClientHello h = ClientHelloParser.parse(body, 0, body.length, 0x0301, LIMITS, new IntListInterner(64), issues);
        assertEquals(h == null, !issues.violations.isEmpty(), () -> "result " + h + " with violations " + issues.violations);
        if (h != null) {
            capped(h);
        }
    }

    @FuzzTest
    void sslv2ClientHello(byte[] body) {
        FuzzIssues issues = new FuzzIssues();
        ClientHello h = Sslv2Parser.clientHello(body, 0, body.length, LIMITS, new IntListInterner(64), issues);
        assertEquals(h == null, !issues.violations.isEmpty(), () -> "result " + h + " with violations " + issues.violations);
        if (h != null) {
            assertTrue(h.sslv2Format());
            capped(h);
        }
    }

    @FuzzTest
    void sslv2ServerHello(byte[] body) {
        FuzzIssues issues = new FuzzIssues();
        Object h = Sslv2Parser.serverHello(body, 0, body.length, LIMITS, issues);
        assertEquals(h == null, !issues.violations.isEmpty(), () -> "result " + h + " with violations " + issues.violations);
    }

    @FuzzTest
    void certificate(byte[] der) {
        FuzzIssues issues = new FuzzIssues();
        // no cache: every input is parsed, not looked up
        CertificateInfo info = CertificateDecoder.decode(der, 0, der.length, new TlsContext(LIMITS, 0), issues);
        assertTrue(info != null, "no CertificateInfo");
        assertEquals(info.subject() == null, issues.anomalies.contains("certificate_unparseable"));
        assertTrue(issues.violations.isEmpty(), "one certificate never stops the direction");
    }

    @FuzzTest
    void certificateMessage(byte[] body) {
        FuzzIssues issues = new FuzzIssues();
        List<CertificateInfo> chain = CertificateDecoder.decodeMessage(body, 0, body.length, new TlsContext(LIMITS, 0), issues);
        assertTrue(chain != null || !issues.violations.isEmpty(), "null chain without a violation");
        if (chain != null) {
            assertTrue(chain.size() <= LIMITS.maxCertificates(), () -> chain.size() + " certificates kept");
        }
    }

    private static void capped(ClientHello h) {
        int cap = LIMITS.maxListEntries();
        for (List<?> list : List.of(h.cipherSuites(), h.extensionTypes(), h.alpn(), h.supportedVersions(),
                h.supportedGroups(), h.ecPointFormats(), h.signatureAlgorithms(), h.compressionMethods())) {
            assertTrue(list.size() <= cap, () -> "a list of " + list.size() + " entries, cap " + cap);
        }
    }
}
