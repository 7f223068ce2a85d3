package dev.nfe.dissect.tls;

import java.util.List;

/** The fixture names (dissect/src/test/resources/tls, made by src/test/fixtures/extract_fixtures.py). */
final class Fixtures {
    private Fixtures() {
    }

    static final List<String> ALL = List.of(
            "alert-certificate-unknown-curveball",
            "alert-handshake-failure",
            "alert-protocol-version-draft16",
            "alert-unrecognized-name",
            "ch-huge",
            "ch-split-mtu300",
            "heartbleed",
            "hrr-google",
            "loopback-alert-protocol-version",
            "loopback-alert-unknown-ca",
            "loopback-non-tls-response",
            "loopback-sslv2-reset",
            "loopback-sslv2-serverhello",
            "non-tls-http-server",
            "odd-selected-version-0x002c",
            "span-records-openssl",
            "sslv2-session",
            "sslv2hello-glupteba",
            "sslv2hello-pppoe-sslv3",
            "starttls-ftp",
            "starttls-imap",
            "starttls-ldap",
            "starttls-mysql",
            "starttls-pgsql-hrr",
            "starttls-pop3",
            "starttls-postgresql",
            "starttls-smtp-arkime",
            "starttls-smtp-ndpi-v6",
            "starttls-socks4",
            "starttls-socks5",
            "tls12-openssl-chain",
            "tls13-chrome-kyber",
            "tls13-draft16-ff52",
            "tls13-draft18-grease",
            "tls13-draft28",
            "tls13-experiment-chrome63",
            "tls13-fizz-fb1a",
            "tls13-grease-ech-meet");

    /** Every (fixture, direction) pair, as "name C" / "name S". */
    static List<String> directions() {
        return ALL.stream().flatMap(n -> java.util.stream.Stream.of(n + " C", n + " S")).toList();
    }
}
