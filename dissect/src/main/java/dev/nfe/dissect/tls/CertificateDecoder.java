package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.CertificateInfo;
import dev.nfe.capture.IpAddress;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.DSAParameter;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;

/**
 * Turns the DER certificates of a Certificate message (TLS <= 1.2, where the chain travels in
 * clear) or of an SSLv2 SERVER-HELLO into {@link CertificateInfo}s with Bouncy Castle's ASN.1
 * classes, through the context's cache. A certificate Bouncy Castle cannot parse becomes an
 * anomaly ({@code certificate_unparseable}) and a placeholder that only carries its SHA-256.
 */
final class CertificateDecoder {

    private static final Map<String, String> SIGNATURE_NAMES = Map.ofEntries(
            Map.entry("1.2.840.113549.1.1.2", "MD2withRSA"),
            Map.entry("1.2.840.113549.1.1.4", "MD5withRSA"),
            Map.entry("1.2.840.113549.1.1.5", "SHA1withRSA"),
            Map.entry("1.2.840.113549.1.1.10", "RSASSA-PSS"),
            Map.entry("1.2.840.113549.1.1.11", "SHA256withRSA"),
            Map.entry("1.2.840.113549.1.1.12", "SHA384withRSA"),
            Map.entry("1.2.840.113549.1.1.13", "SHA512withRSA"),
            Map.entry("1.2.840.113549.1.1.14", "SHA224withRSA"),
            Map.entry("1.2.840.10045.4.1", "SHA1withECDSA"),
            Map.entry("1.2.840.10045.4.3.1", "SHA224withECDSA"),
            Map.entry("1.2.840.10045.4.3.2", "SHA256withECDSA"),
            Map.entry("1.2.840.10045.4.3.3", "SHA384withECDSA"),
            Map.entry("1.2.840.10045.4.3.4", "SHA512withECDSA"),
            Map.entry("1.2.840.10040.4.3", "SHA1withDSA"),
            Map.entry("2.16.840.1.101.3.4.3.1", "SHA224withDSA"),
            Map.entry("2.16.840.1.101.3.4.3.2", "SHA256withDSA"),
            Map.entry("1.3.101.112", "Ed25519"),
            Map.entry("1.3.101.113", "Ed448"),
            Map.entry("2.16.840.1.101.3.4.3.17", "ML-DSA-44"),
            Map.entry("2.16.840.1.101.3.4.3.18", "ML-DSA-65"),
            Map.entry("2.16.840.1.101.3.4.3.19", "ML-DSA-87"),
            Map.entry("1.2.156.10197.1.501", "SM3withSM2"));

    private static final Map<String, String> KEY_NAMES = Map.of(
            "1.3.101.110", "X25519",
            "1.3.101.111", "X448",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448",
            "2.16.840.1.101.3.4.3.17", "ML-DSA-44",
            "2.16.840.1.101.3.4.3.18", "ML-DSA-65",
            "2.16.840.1.101.3.4.3.19", "ML-DSA-87");

    private CertificateDecoder() {
    }

    /**
     * RFC 5246 section 7.4.2:
     * <pre>
     *   opaque ASN.1Cert&lt;1..2^24-1&gt;;
     *   struct {
     *       ASN.1Cert certificate_list&lt;0..2^24-1&gt;;
     *   } Certificate;
     * </pre>
     * Decodes at most {@code maxCertificates}; more is {@code certificate_chain_capped}. Framing
     * errors are {@code malformed_certificate_message}: the certificates before the error are kept.
     */
    static List<CertificateInfo> decodeMessage(byte[] b, int off, int len, TlsContext context, Issues issues) {
        CertificateCache cache = context.certificates();
        CertificateCache.Chain seen = cache.chain(b, off, len);
        if (seen != null) {
            for (String anomaly : seen.anomalies()) {
                issues.anomaly(anomaly);
            }
            return seen.certificates();
        }
        List<String> anomalies = new ArrayList<>(0);
        Issues recording = new Issues() {
            @Override
            public void anomaly(String name) {
                anomalies.add(name);
                issues.anomaly(name);
            }

            @Override
            public void violation(String reason) {
                issues.violation(reason);
            }
        };
        List<CertificateInfo> chain = decodeList(b, off, len, context, recording);
        return cache.putChain(b, off, len, chain, anomalies);
    }

    private static List<CertificateInfo> decodeList(byte[] b, int off, int len, TlsContext context, Issues issues) {
        List<CertificateInfo> chain = new ArrayList<>();
        Cursor c = new Cursor(b, off, len);
        if (!c.has(3)) {
            issues.anomaly("malformed_certificate_message");
            return chain;
        }
        int listLength = c.u24();
        if (!c.has(listLength)) {
            issues.anomaly("malformed_certificate_message");
            listLength = c.remaining();
        }
        Cursor list = c.sub(listLength);
        int max = context.limits().maxCertificates();
        while (list.remaining() > 0) {
            if (!list.has(3)) {
                issues.anomaly("malformed_certificate_message");
                break;
            }
            int n = list.u24();
            if (n == 0 || !list.has(n)) {
                issues.anomaly("malformed_certificate_message");
                break;
            }
            if (chain.size() >= max) {
                issues.anomaly("certificate_chain_capped");
                break;
            }
            chain.add(decode(b, list.pos, n, context, issues));
            list.skip(n);
        }
        if (c.remaining() > 0) {
            issues.anomaly("trailing_bytes");
        }
        return chain;
    }

    /** One DER certificate, from the cache when it was seen before. */
    static CertificateInfo decode(byte[] b, int off, int len, TlsContext context, Issues issues) {
        CertificateCache cache = context.certificates();
        String sha256 = cache.sha256(b, off, len);
        CertificateInfo info = cache.get(sha256);
        if (info == null) {
            info = parse(Arrays.copyOfRange(b, off, off + len), sha256);
            cache.put(sha256, info);
        }
        if (info.subject() == null) {
            issues.anomaly("certificate_unparseable");
        }
        return info;
    }

    private static CertificateInfo parse(byte[] der, String sha256) {
        Certificate cert;
        try {
            cert = Certificate.getInstance(ASN1Primitive.fromByteArray(der));
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle reports malformed DER by throwing; this is the error path of one certificate
            return unparseable(sha256);
        }
        if (cert == null) {
            return unparseable(sha256);
        }
        try {
            return new CertificateInfo(
                    name(cert.getSubject()),
                    name(cert.getIssuer()),
                    instant(cert.getStartDate()),
                    instant(cert.getEndDate()),
                    subjectAltNames(cert),
                    serial(cert.getSerialNumber().getValue()),
                    signatureAlgorithm(cert.getSignatureAlgorithm().getAlgorithm()),
                    publicKey(cert.getSubjectPublicKeyInfo()),
                    sha256);
        } catch (RuntimeException e) {
            // a field that parsed as DER but does not have the X.509 shape (lazy parsing in BC)
            return unparseable(sha256);
        }
    }

    private static CertificateInfo unparseable(String sha256) {
        return new CertificateInfo(null, null, null, null, List.of(), null, null, null, sha256);
    }

    /**
     * RFC 4514 section 2: the RDNs in reverse order of the DER (most specific first), separated
     * by ','; multi-valued RDNs joined by '+'; the section 3 short names (CN, L, ST, O, OU, C,
     * STREET, DC, UID), Bouncy Castle's display name for other well-known types (e.g. E,
     * SERIALNUMBER), else the dotted OID; values escaped by {@link IETFUtils#valueToString}.
     */
    /** See {@link TlsContext#warmUp()}: touches the classes a first decode would initialise. */
    static void warmUp() {
        Object[] touch = {BCStyle.INSTANCE, X500Name.class, Certificate.class, Extension.subjectAlternativeName,
                SECNamedCurves.getName(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1),
                org.bouncycastle.asn1.x509.X509ObjectIdentifiers.id_ce, org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption,
                ECNamedCurveTable.getName(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp384r1)};
        if (touch.length == 0) {
            throw new IllegalStateException("unreachable");
        }
    }

    private static String name(X500Name name) {
        RDN[] rdns = name.getRDNs();
        StringBuilder sb = new StringBuilder(64);
        for (int i = rdns.length - 1; i >= 0; i--) {
            if (i != rdns.length - 1) {
                sb.append(',');
            }
            AttributeTypeAndValue[] values = rdns[i].getTypesAndValues();
            for (int j = 0; j < values.length; j++) {
                if (j > 0) {
                    sb.append('+');
                }
                ASN1ObjectIdentifier type = values[j].getType();
                String shortName = RFC4514_NAMES.get(type.getId());
                if (shortName == null) {
                    shortName = BCStyle.INSTANCE.oidToDisplayName(type);
                }
                sb.append(shortName != null ? shortName : type.getId()).append('=')
                        .append(IETFUtils.valueToString(values[j].getValue()));
            }
        }
        return sb.toString();
    }

    private static final Map<String, String> RFC4514_NAMES = Map.of(
            "2.5.4.3", "CN",
            "2.5.4.7", "L",
            "2.5.4.8", "ST",
            "2.5.4.10", "O",
            "2.5.4.11", "OU",
            "2.5.4.6", "C",
            "2.5.4.9", "STREET",
            "0.9.2342.19200300.100.1.25", "DC",
            "0.9.2342.19200300.100.1.1", "UID");

    /**
     * RFC 5280 section 4.1.2.5: UTCTime "YYMMDDHHMMSSZ" (YY >= 50 is 19YY) or GeneralizedTime
     * "YYYYMMDDHHMMSSZ". Read directly: Bouncy Castle's getDate() goes through SimpleDateFormat,
     * which costs more than the rest of the certificate on a cold JVM. Anything unusual
     * (fractions, offsets) falls back to Bouncy Castle.
     */
    private static Instant instant(org.bouncycastle.asn1.x509.Time time) {
        org.bouncycastle.asn1.ASN1Primitive p = time.toASN1Primitive();
        // the encoded text: UTCTime.toString() and GeneralizedTime.getTimeString() (getTime() normalises)
        String t = p instanceof org.bouncycastle.asn1.ASN1UTCTime u ? u.toString()
                : p instanceof org.bouncycastle.asn1.ASN1GeneralizedTime g ? g.getTimeString() : null;
        if (t != null) {
            boolean utc = p instanceof org.bouncycastle.asn1.ASN1UTCTime;
            String digits = t;
            int yearLen = utc ? 2 : 4;
            if (digits.length() == yearLen + 10 + 1 && digits.charAt(digits.length() - 1) == 'Z'
                    && allDigits(digits, digits.length() - 1)) {
                int year = Integer.parseInt(digits, 0, yearLen, 10);
                if (utc) {
                    year += year >= 50 ? 1900 : 2000;
                }
                int o = yearLen;
                return java.time.LocalDateTime.of(year, two(digits, o), two(digits, o + 2), two(digits, o + 4),
                        two(digits, o + 6), two(digits, o + 8)).toInstant(java.time.ZoneOffset.UTC);
            }
        }
        return time.getDate().toInstant();
    }

    private static int two(String s, int at) {
        return (s.charAt(at) - '0') * 10 + (s.charAt(at + 1) - '0');
    }

    private static boolean allDigits(String s, int end) {
        for (int i = 0; i < end; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String serial(BigInteger serial) {
        return serial.toString(16);
    }

    private static List<String> subjectAltNames(Certificate cert) {
        org.bouncycastle.asn1.x509.Extensions extensions = cert.getTBSCertificate().getExtensions();
        if (extensions == null) {
            return List.of();
        }
        GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
        if (names == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (GeneralName n : names.getNames()) {
            if (n.getTagNo() == GeneralName.dNSName) {
                ASN1Encodable v = n.getName();
                out.add(v instanceof ASN1String s ? s.getString() : v.toString());
            } else if (n.getTagNo() == GeneralName.iPAddress) {
                byte[] ip = ASN1OctetString.getInstance(n.getName()).getOctets();
                out.add(ip.length == 4 || ip.length == 16 ? IpAddress.of(ip, 0, ip.length).toString()
                        : HexFormat.of().formatHex(ip));
            }
        }
        return out;
    }

    private static String signatureAlgorithm(ASN1ObjectIdentifier oid) {
        return SIGNATURE_NAMES.getOrDefault(oid.getId(), oid.getId());
    }

    /** "RSA 2048", "EC secp256r1", "Ed25519", "DSA 1024", or the algorithm OID. */
    private static String publicKey(SubjectPublicKeyInfo spki) {
        String oid = spki.getAlgorithm().getAlgorithm().getId();
        try {
            switch (oid) {
                case "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10" -> {
                    RSAPublicKey key = RSAPublicKey.getInstance(spki.parsePublicKey());
                    return (oid.endsWith(".10") ? "RSA-PSS " : "RSA ") + key.getModulus().bitLength();
                }
                case "1.2.840.10045.2.1" -> {
                    ASN1Encodable params = spki.getAlgorithm().getParameters();
                    if (params instanceof ASN1ObjectIdentifier curve) {
                        String name = SECNamedCurves.getName(curve);
                        if (name == null) {
                            name = ECNamedCurveTable.getName(curve);
                        }
                        return "EC " + (name != null ? name : curve.getId());
                    }
                    return "EC explicit";
                }
                case "1.2.840.10040.4.1" -> {
                    ASN1Encodable params = spki.getAlgorithm().getParameters();
                    if (params == null) {
                        return "DSA";
                    }
                    return "DSA " + DSAParameter.getInstance(params).getP().bitLength();
                }
                default -> {
                    return KEY_NAMES.getOrDefault(oid, oid);
                }
            }
        } catch (IOException | RuntimeException e) {
            return oid;
        }
    }
}
