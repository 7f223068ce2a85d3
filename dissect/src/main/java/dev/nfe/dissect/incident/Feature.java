package dev.nfe.dissect.incident;

/**
 * One property of a ClientHello (or of where it came from) that the differential diagnosis
 * compares between failed and completed handshakes (DESIGN.md, "discriminators").
 *
 * @param name  hello_format, offered_version, sni, alpn, cipher_suite, extension, ja3, ja4 or client_net
 * @param value its value as the contract spells it ("sslv2", "0x0301", "example.test", "43", ...)
 */
public record Feature(String name, String value) {

    /** The feature names in the order they are reported when equally strong: the most telling first. */
    static final java.util.List<String> ORDER = java.util.List.of("hello_format", "offered_version", "sni", "alpn",
            "ja4", "ja3", "cipher_suite", "extension", "client_net");

    int rank() {
        int i = ORDER.indexOf(name);
        return i < 0 ? ORDER.size() : i;
    }
}
