package dev.nfe.testsuite.live;

import java.util.List;

/** The TLS versions the live servers and clients are pinned to, and how each tool spells them. */
enum TlsVersion {
    TLS_1_2("TLSv1.2", "-tls1_2", List.of("--tlsv1.2", "--tls-max", "1.2")),
    TLS_1_3("TLSv1.3", "-tls1_3", List.of("--tlsv1.3", "--tls-max", "1.3"));

    /** The protocol name nginx ({@code ssl_protocols}, {@code $ssl_protocol}) and OpenSSL print. */
    final String protocol;
    /** The openssl s_server / s_client option that allows this version only. */
    final String opensslOption;
    /** The curl options that allow this version only. */
    final List<String> curlOptions;

    TlsVersion(String protocol, String opensslOption, List<String> curlOptions) {
        this.protocol = protocol;
        this.opensslOption = opensslOption;
        this.curlOptions = curlOptions;
    }
}
