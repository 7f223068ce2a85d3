package dev.nfe.dissect.incident;

import java.util.Objects;

/**
 * One property of a ClientHello (or of where it came from) that the differential diagnosis
 * compares between failed and completed handshakes (DESIGN.md, "discriminators").
 *
 * <p>A value class rather than a record, for its hash: {@link FeatureCounts} looks every feature
 * of every hello up in a hash map, about 50 per hello and once per incident open at the server,
 * all in the serial end of a replay. A record's hashCode and equals go through an invokedynamic
 * bootstrap, which C1-compiled code calls as a chain of method handles; this one keeps its hash
 * (the same value a record would have) in a field.
 */
public final class Feature {

    /** The feature names in the order they are reported when equally strong: the most telling first. */
    static final java.util.List<String> ORDER = java.util.List.of("hello_format", "offered_version", "sni", "alpn",
            "ja4", "ja3", "cipher_suite", "extension", "client_net");

    private final String name;
    private final String value;
    private final int hash;

    /**
     * @param name  hello_format, offered_version, sni, alpn, cipher_suite, extension, ja3, ja4 or client_net
     * @param value its value as the contract spells it ("sslv2", "0x0301", "example.test", "43", ...)
     */
    public Feature(String name, String value) {
        this.name = name;
        this.value = value;
        this.hash = 31 * Objects.hashCode(name) + Objects.hashCode(value);
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Feature f && f.hash == hash && Objects.equals(f.name, name)
                && Objects.equals(f.value, value);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "Feature[name=" + name + ", value=" + value + "]";
    }

    int rank() {
        int i = ORDER.indexOf(name);
        return i < 0 ? ORDER.size() : i;
    }
}
