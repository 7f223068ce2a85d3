package dev.nfe.dissect.incident;

import dev.nfe.capture.IpAddress;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.Grease;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The features of ClientHellos, made once per distinct hello shape (a client stack sends the
 * same lists on every connection) and shared. GREASE values are left out, as JA3 and JA4 leave
 * them out: they are random per connection and would only add noise. Bounded (LRU).
 */
final class HelloFeatures {
    private static final int CACHE = 1024;

    private final Map<Shape, List<Feature>> cache = lru(CACHE);
    /** The client_net feature of each network: one shared instance, so counting it finds it by identity. */
    private final Map<IpAddress, Feature> networks = lru(CACHE);
    /**
     * One instance of each feature for all hello shapes (most shapes of one client stack share
     * most of their cipher suites and extensions), so that counting them finds them by identity.
     */
    private final FeatureInterner shared = new FeatureInterner(8 * CACHE);

    /** Every feature of the hello, then the client's network; null when there is no hello. */
    List<Feature> of(ClientHelloInfo info, IpAddress client) {
        if (info == null) {
            return null;
        }
        List<Feature> hello = cache.get(new Shape(info));
        if (hello == null) {
            hello = helloOnly(info);
            List<Feature> interned = new ArrayList<>(hello.size());
            for (Feature x : hello) {
                interned.add(shared.intern(x));
            }
            hello = List.copyOf(interned);
            cache.put(new Shape(info), hello);
        }
        Feature[] all = hello.toArray(new Feature[hello.size() + 1]);
        IpAddress net = network(client);
        Feature f = networks.get(net);
        if (f == null) {
            f = new Feature("client_net", net + (client.v6() ? "/64" : "/24"));
            networks.put(net, f);
        }
        all[all.length - 1] = f;
        return List.of(all);
    }

    private static <K, V> Map<K, V> lru(int capacity) {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Everything {@link #helloOnly} reads. The decoder shares one list instance among hellos with
     * the same vector, and the fingerprints one string per hello shape, so lists compare by
     * identity: equal content in two instances is only a cache miss, never a wrong answer. (A key
     * string made of all of them cost more than the rest of the incident engine's work per session.)
     */
    private static final class Shape {
        private final ClientHelloInfo info;
        private final int version;
        private final int hash;

        Shape(ClientHelloInfo info) {
            ClientHello h = info.hello();
            this.info = info;
            this.version = h.highestOfferedVersion();
            int x = version * 2 + (h.sslv2Format() ? 1 : 0);
            x = 31 * x + System.identityHashCode(h.cipherSuites());
            x = 31 * x + System.identityHashCode(h.extensionTypes());
            x = 31 * x + Objects.hashCode(h.sni());
            x = 31 * x + Objects.hashCode(info.ja3());
            x = 31 * x + Objects.hashCode(info.ja4());
            this.hash = 31 * x + h.alpn().hashCode();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Shape s)) {
                return false;
            }
            ClientHello h = info.hello();
            ClientHello x = s.info.hello();
            return hash == s.hash && version == s.version && h.sslv2Format() == x.sslv2Format()
                    && h.cipherSuites() == x.cipherSuites() && h.extensionTypes() == x.extensionTypes()
                    && Objects.equals(h.sni(), x.sni()) && h.alpn().equals(x.alpn())
                    && Objects.equals(info.ja3(), s.info.ja3()) && Objects.equals(info.ja4(), s.info.ja4());
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static List<Feature> helloOnly(ClientHelloInfo info) {
        ClientHello h = info.hello();
        List<Feature> out = new ArrayList<>();
        out.add(new Feature("hello_format", h.sslv2Format() ? "sslv2" : "tls"));
        out.add(new Feature("offered_version", hex(h.highestOfferedVersion(), 4)));
        out.add(new Feature("sni", h.sni() == null ? "(none)" : h.sni()));
        for (String a : h.alpn()) {
            out.add(new Feature("alpn", a));
        }
        int width = h.sslv2Format() ? 6 : 4;
        for (int c : h.cipherSuites()) {
            if (!Grease.is(c)) {
                out.add(new Feature("cipher_suite", hex(c, width)));
            }
        }
        for (int e : h.extensionTypes()) {
            if (!Grease.is(e)) {
                out.add(new Feature("extension", Integer.toString(e)));
            }
        }
        if (info.ja3() != null) {
            out.add(new Feature("ja3", info.ja3()));
        }
        if (info.ja4() != null) {
            out.add(new Feature("ja4", info.ja4()));
        }
        return List.copyOf(new java.util.LinkedHashSet<>(out));
    }

    /** The client's network: its /24 (IPv4) or /64 (IPv6), e.g. 10.1.2.0 for "10.1.2.0/24". */
    static IpAddress network(IpAddress a) {
        return a.v6() ? IpAddress.v6(a.hi(), 0) : IpAddress.v4((int) (a.lo() & 0xffff_ff00L));
    }

    private static String hex(int v, int digits) {
        String s = Integer.toHexString(v).toLowerCase(Locale.ROOT);
        return "0x" + "0".repeat(Math.max(0, digits - s.length())) + s;
    }
}
