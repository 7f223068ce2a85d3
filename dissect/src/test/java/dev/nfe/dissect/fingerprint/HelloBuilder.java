package dev.nfe.dissect.fingerprint;

import dev.nfe.dissect.report.ClientHello;
import java.util.ArrayList;
import java.util.List;

/** Edits a real ClientHello field by field, for edge-case tests (test-only). */
final class HelloBuilder {
    int handshakeVersion;
    List<Integer> ciphers;
    List<Integer> extensions;
    String sni;
    List<String> alpn;
    List<Integer> supportedVersions;
    List<Integer> groups;
    List<Integer> pointFormats;
    List<Integer> sigAlgs;
    private final ClientHello base;

    HelloBuilder(ClientHello base) {
        this.base = base;
        handshakeVersion = base.handshakeVersion();
        ciphers = new ArrayList<>(base.cipherSuites());
        extensions = new ArrayList<>(base.extensionTypes());
        sni = base.sni();
        alpn = new ArrayList<>(base.alpn());
        supportedVersions = new ArrayList<>(base.supportedVersions());
        groups = new ArrayList<>(base.supportedGroups());
        pointFormats = new ArrayList<>(base.ecPointFormats());
        sigAlgs = new ArrayList<>(base.signatureAlgorithms());
    }

    /** Drops an extension and what the decoder would have read from it. */
    HelloBuilder without(int extensionType) {
        extensions.removeIf(t -> t == extensionType);
        switch (extensionType) {
            case 0x0000 -> sni = null;
            case 0x0010 -> alpn.clear();
            case 0x002b -> supportedVersions.clear();
            case 0x000a -> groups.clear();
            case 0x000b -> pointFormats.clear();
            case 0x000d -> sigAlgs.clear();
            default -> {
            }
        }
        return this;
    }

    HelloBuilder alpn(String... names) {
        if (!extensions.contains(0x0010)) {
            extensions.add(0x0010);
        }
        alpn = new ArrayList<>(List.of(names));
        return this;
    }

    ClientHello build() {
        return new ClientHello(false, base.recordVersion(), handshakeVersion, ciphers, base.compressionMethods(),
                base.sessionIdLength(), -1, extensions, sni, alpn, supportedVersions, groups, pointFormats, sigAlgs,
                base.messageLength(), base.records(), base.tcpSegments());
    }
}
