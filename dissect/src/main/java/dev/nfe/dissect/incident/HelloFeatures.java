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

/**
 * The features of ClientHellos, made once per distinct hello shape (a client stack sends the
 * same lists on every connection) and shared. GREASE values are left out, as JA3 and JA4 leave
 * them out: they are random per connection and would only add noise. Bounded (LRU).
 */
final class HelloFeatures {
    private static final int CACHE = 1024;

    private final Map<String, List<Feature>> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Feature>> eldest) {
            return size() > CACHE;
        }
    };

    /** Every feature of the hello, then the client's network; null when there is no hello. */
    List<Feature> of(ClientHelloInfo info, IpAddress client) {
        if (info == null) {
            return null;
        }
        ClientHello h = info.hello();
        String key = h.sslv2Format() + "|" + h.highestOfferedVersion() + "|" + h.sni() + "|" + h.alpn() + "|"
                + h.cipherSuites() + "|" + h.extensionTypes() + "|" + info.ja3() + "|" + info.ja4();
        List<Feature> hello = cache.computeIfAbsent(key, k -> helloOnly(info));
        List<Feature> all = new ArrayList<>(hello.size() + 1);
        all.addAll(hello);
        all.add(new Feature("client_net", network(client)));
        return all;
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

    /** "10.1.2.0/24", "2001:db8:1:2::/64". */
    static String network(IpAddress a) {
        if (!a.v6()) {
            return IpAddress.v4((int) (a.lo() & 0xffff_ff00L)).toString() + "/24";
        }
        return IpAddress.v6(a.hi(), 0).toString() + "/64";
    }

    private static String hex(int v, int digits) {
        String s = Integer.toHexString(v).toLowerCase(Locale.ROOT);
        return "0x" + "0".repeat(Math.max(0, digits - s.length())) + s;
    }
}
