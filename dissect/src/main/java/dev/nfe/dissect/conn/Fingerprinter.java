package dev.nfe.dissect.conn;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.fingerprint.CommunityId;
import dev.nfe.dissect.fingerprint.Ja3;
import dev.nfe.dissect.fingerprint.Ja3s;
import dev.nfe.dissect.fingerprint.Ja4;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.ServerHelloInfo;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes the fingerprints (JA3, JA4 over TCP, JA3S) and the Community ID flow id a session
 * carries. One per dissector; not thread-safe.
 *
 * <p>Fingerprints are cached by the parts of the hello they depend on: a client stack sends the
 * same cipher and extension lists on every connection, and three digests per hello would
 * otherwise cost more than decoding it. The caches are bounded (LRU).
 */
final class Fingerprinter {
    private static final int TCP = 6;
    private static final int CACHE = 1024;

    private final CommunityId communityId = new CommunityId(0);
    private final Map<ClientShape, ClientPrints> clientPrints = lru();
    private final Map<ServerShape, String> serverPrints = lru();

    ClientHelloInfo clientHello(long frame, long tsNanos, ClientHello hello) {
        ClientShape key = new ClientShape(hello);
        ClientPrints p = clientPrints.get(key);
        if (p == null) {
            Ja3 ja3 = Ja3.of(hello);
            p = new ClientPrints(ja3 == null ? null : ja3.hash(), ja3 == null ? null : ja3.full(), Ja4.of(hello, 't'),
                    hello.grease());
            clientPrints.put(key, p);
        }
        return new ClientHelloInfo(frame, tsNanos, hello, p.ja3(), p.ja3Full(), p.ja4(), p.grease());
    }

    /** What is derived from a hello's shape, computed once per shape. */
    private record ClientPrints(String ja3, String ja3Full, String ja4, boolean grease) {
    }

    ServerHelloInfo serverHello(long frame, long tsNanos, ServerHello hello) {
        ServerShape key = new ServerShape(hello);
        String ja3s = serverPrints.get(key);
        if (ja3s == null && !serverPrints.containsKey(key)) {
            Ja3s j = Ja3s.of(hello);
            ja3s = j == null ? null : j.hash();
            serverPrints.put(key, ja3s);
        }
        return new ServerHelloInfo(frame, tsNanos, hello, ja3s);
    }

    String flowId(Endpoint client, Endpoint server) {
        return communityId.of(client, server, TCP);
    }

    private static <K, V> Map<K, V> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > CACHE;
            }
        };
    }

    /**
     * Everything JA3 and JA4 read from a ClientHello (not the SNI text, random or session id).
     * The decoder shares one list instance among hellos with the same vector, so lists compare
     * by identity: equal content in two instances is only a cache miss, never a wrong answer.
     */
    private static final class ClientShape {
        private final ClientHello h;
        private final int hash;

        ClientShape(ClientHello h) {
            this.h = h;
            int x = h.handshakeVersion() * 2 + (h.sslv2Format() ? 1 : 0);
            x = 31 * x + System.identityHashCode(h.cipherSuites());
            x = 31 * x + System.identityHashCode(h.extensionTypes());
            x = 31 * x + System.identityHashCode(h.supportedGroups());
            x = 31 * x + System.identityHashCode(h.ecPointFormats());
            x = 31 * x + System.identityHashCode(h.signatureAlgorithms());
            x = 31 * x + System.identityHashCode(h.supportedVersions());
            this.hash = 31 * x + h.alpn().hashCode();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof ClientShape s)) {
                return false;
            }
            ClientHello x = s.h;
            return hash == s.hash && h.sslv2Format() == x.sslv2Format() && h.handshakeVersion() == x.handshakeVersion()
                    && h.cipherSuites() == x.cipherSuites() && h.extensionTypes() == x.extensionTypes()
                    && h.supportedGroups() == x.supportedGroups() && h.ecPointFormats() == x.ecPointFormats()
                    && h.signatureAlgorithms() == x.signatureAlgorithms()
                    && h.supportedVersions() == x.supportedVersions() && h.alpn().equals(x.alpn());
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** Everything JA3S reads from a ServerHello. */
    private static final class ServerShape {
        private final boolean sslv2;
        private final int version;
        private final int cipher;
        private final List<Integer> extensions;

        ServerShape(ServerHello h) {
            this.sslv2 = h.sslv2Format();
            this.version = h.handshakeVersion();
            this.cipher = h.cipher();
            this.extensions = h.extensionTypes();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ServerShape s && s.sslv2 == sslv2 && s.version == version && s.cipher == cipher
                    && s.extensions.equals(extensions);
        }

        @Override
        public int hashCode() {
            return ((version * 31 + cipher) * 31 + extensions.hashCode()) * 2 + (sslv2 ? 1 : 0);
        }
    }
}
