package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.CertificateInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Certificates of real server chains against openssl x509 -nameopt RFC2253 of the same DER. */
class CertificateDecoderTest {

    @SuppressWarnings("unchecked")
    private static List<CertificateInfo> chain(String fixture, TlsContext context) {
        RecordingEvents ev = Feeding.segments(Fixture.load(fixture).direction('S'), context);
        return (List<CertificateInfo>) ev.first("certificates").value();
    }

    @Test
    void ecdsaLeafOfTheLoopbackPki() {
        CertificateInfo c = chain("loopback-alert-unknown-ca", new TlsContext(TlsLimits.DEFAULT)).get(0);
        assertEquals(new CertificateInfo("CN=www.example.test", "CN=Bench Test Issuing CA 1,O=Bench Test PKI",
                Instant.parse("2026-11-21T14:31:54Z"), Instant.parse("2029-02-23T14:31:54Z"),
                List.of("www.example.test", "example.test", "*.example.test"),
                "3414567fe61f03e57c9245001690ccf2bc65aba7", "SHA256withECDSA", "EC secp256r1",
                "7aa5f2ebc4160248753c3b3e958b4aa5f5e72146e7e368e10b3914d1a6c48a22"), c);
    }

    @Test
    void googleLeafWithAnRsaSignatureOverAnEcKey() {
        CertificateInfo c = chain("ch-split-mtu300", new TlsContext(TlsLimits.DEFAULT)).get(0);
        assertEquals("CN=www.google.com", c.subject());
        assertEquals("CN=GTS CA 1C3,O=Google Trust Services LLC,C=US", c.issuer());
        assertEquals(Instant.parse("2022-07-18T08:25:34Z"), c.notBefore());
        assertEquals(Instant.parse("2022-10-10T08:25:33Z"), c.notAfter());
        assertEquals("bb2a80cc14fcddbc1202b2a086bd1d17", c.serial());
        assertEquals("SHA256withRSA", c.signatureAlgorithm());
        assertEquals("EC secp256r1", c.publicKey());
        assertEquals("e13c452d55b9c0d1c3baca287b42fbaafbdcad6e178dbe1950a18a46eee875ce", c.sha256());
    }

    @Test
    void curveballChainWithExplicitCurveParameters() {
        List<CertificateInfo> chain = chain("alert-certificate-unknown-curveball", new TlsContext(TlsLimits.DEFAULT));
        assertEquals("CN=SANS ISC DShield Test,O=SANS Internet Storm Center,C=US", chain.get(0).subject());
        assertEquals("EC secp384r1", chain.get(0).publicKey());
        assertEquals("5ecb7cee8ca206bf9ec00728889ad99f4362cfd9", chain.get(0).serial());
        assertEquals(List.of("bad.curveballtest.com"), chain.get(0).san());
        assertEquals("EC explicit", chain.get(1).publicKey(), "the spoofed CA carries explicit curve parameters");
    }

    @Test
    void ipAddressesInSubjectAltName() {
        CertificateInfo c = chain("span-records-openssl", new TlsContext(TlsLimits.DEFAULT)).get(0);
        assertEquals(List.of("span.example.test", "www.span.example.test", "127.0.0.1"), c.san());
        assertEquals("RSA 2048", c.publicKey());
        assertEquals("CN=span.example.test,O=nfe fixtures", c.subject());
    }

    @Test
    void sslv2ServerHelloCertificateAndEmailAttribute() {
        CertificateInfo c = chain("sslv2-session", new TlsContext(TlsLimits.DEFAULT)).get(0);
        assertEquals("E=info@plesk.com,CN=plesk,OU=Plesk,O=Parallels,L=Herndon,ST=Virginia,C=US", c.subject());
        assertEquals("SHA1withRSA", c.signatureAlgorithm());
        assertEquals("4eb6f269", c.serial());
    }

    @Test
    void repeatedChainsComeFromTheCache() {
        TlsContext context = new TlsContext(TlsLimits.DEFAULT);
        List<CertificateInfo> first = chain("tls12-openssl-chain", context);
        assertEquals(first.size(), context.certificateCacheMisses());
        // the same Certificate message again: recognised whole, nothing hashed or parsed
        List<CertificateInfo> second = chain("tls12-openssl-chain", context);
        assertSame(first, second);
        assertEquals(1, context.certificateChainHits());
        assertEquals(first.size(), context.certificateCacheMisses());
        assertEquals(0, context.certificateCacheHits());
        // another server's chain with the same root: that certificate comes from the cache
        List<CertificateInfo> other = chain("starttls-smtp-arkime", context);
        assertEquals("CN=GeoTrust Global CA,O=GeoTrust Inc.,C=US", other.get(2).subject());
        assertSame(first.get(2), other.get(2));
        assertEquals(1, context.certificateCacheHits());
    }

    @Test
    void theCacheIsBounded() {
        TlsContext context = new TlsContext(TlsLimits.DEFAULT, 2);
        chain("tls12-openssl-chain", context); // three certificates
        assertEquals(2, context.certificates().size());
        TlsContext none = new TlsContext(TlsLimits.DEFAULT, 0);
        chain("tls12-openssl-chain", none);
        chain("tls12-openssl-chain", none);
        assertEquals(0, none.certificates().size());
        assertEquals(0, none.certificateCacheHits());
    }
}
