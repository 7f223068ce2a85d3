package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.CertificateInfo;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decoded certificates by the SHA-256 of their DER, least recently used evicted first. Servers
 * send the same chain on every connection and Bouncy Castle parsing dominates the cost of a
 * Certificate message otherwise. In front of it, the last {@value #CHAINS} whole Certificate
 * messages (up to {@value #MAX_CHAIN_BYTES} bytes each) are kept with their decoded chain, so a
 * repeated chain costs one byte comparison instead of a SHA-256 per certificate.
 * One per {@link TlsContext}, so one thread; not thread-safe.
 */
final class CertificateCache {
    private static final HexFormat HEX = HexFormat.of();

    private final int capacity;
    private final MessageDigest sha256;
    static final int CHAINS = 64;
    static final int MAX_CHAIN_BYTES = 32 * 1024;

    /** A Certificate message as it was sent, its decoded chain and the anomalies its decoding reported. */
    record Chain(byte[] message, List<CertificateInfo> certificates, List<String> anomalies) {
    }

    private final LinkedHashMap<String, CertificateInfo> entries;
    private final LinkedHashMap<Long, Chain> chains;
    private long hits;
    private long misses;
    private long chainHits;

    CertificateCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("cache capacity < 0");
        }
        this.capacity = capacity;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CertificateInfo> eldest) {
                return size() > CertificateCache.this.capacity;
            }
        };
        this.chains = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Chain> eldest) {
                return size() > CHAINS;
            }
        };
    }

    /** The chain of a Certificate message byte-for-byte equal to one seen recently, or null. */
    Chain chain(byte[] b, int off, int len) {
        if (capacity == 0 || len > MAX_CHAIN_BYTES) {
            return null;
        }
        Chain c = chains.get(chainKey(b, off, len));
        if (c != null && Arrays.equals(c.message(), 0, c.message().length, b, off, off + len)) {
            chainHits++;
            return c;
        }
        return null;
    }

    /** Remembers a decoded Certificate message; returns the chain as an immutable list. */
    List<CertificateInfo> putChain(byte[] b, int off, int len, List<CertificateInfo> certificates,
                                   List<String> anomalies) {
        List<CertificateInfo> chain = List.copyOf(certificates);
        if (capacity > 0 && len <= MAX_CHAIN_BYTES) {
            chains.put(chainKey(b, off, len), new Chain(Arrays.copyOfRange(b, off, off + len), chain,
                    List.copyOf(anomalies)));
        }
        return chain;
    }

    /**
     * A cheap key: the length and the first 96 bytes (the leaf's header, serial number and
     * signature algorithm). Equal keys are confirmed by comparing every byte.
     */
    private static long chainKey(byte[] b, int off, int len) {
        long h = len * 0x9E3779B97F4A7C15L;
        int end = off + Math.min(len, 96);
        for (int i = off; i < end; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x100000001B3L;
        }
        return h;
    }

    long chainHits() {
        return chainHits;
    }

    /** Lowercase hex SHA-256 of {@code b[off, off+len)}. */
    String sha256(byte[] b, int off, int len) {
        sha256.reset();
        sha256.update(b, off, len);
        return HEX.formatHex(sha256.digest());
    }

    CertificateInfo get(String sha256Hex) {
        CertificateInfo info = entries.get(sha256Hex);
        if (info != null) {
            hits++;
        } else {
            misses++;
        }
        return info;
    }

    void put(String sha256Hex, CertificateInfo info) {
        if (capacity > 0) {
            entries.put(sha256Hex, info);
        }
    }

    int size() {
        return entries.size();
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }
}
