package dev.nfe.dissect.incident;

/**
 * A hello feature that separates an incident's failed handshakes from the ones that completed at
 * the same server meanwhile (DESIGN.md, "discriminators").
 *
 * @param feature  hello_format, offered_version, sni, alpn, cipher_suite, extension, ja3, ja4, client_net
 * @param value    the value; prefixed with "!" when the failed hellos lack what the completed ones have
 * @param failed   failed hellos with the feature (without it, for a "!" value)
 * @param failedOf failed handshakes with a hello
 * @param ok       completed hellos with the feature (without it, for a "!" value)
 * @param okOf     completed handshakes with a hello
 */
public record Discriminator(String feature, String value, long failed, long failedOf, long ok, long okOf) {

    public boolean negated() {
        return value.startsWith("!");
    }
}
