package dev.nfe.dissect.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded certificates by the SHA-256 of their DER, least recently used evicted first. Servers
 * send the same chain on every connection and Bouncy Castle parsing dominates the cost of a
 * Certificate message otherwise. One per {@link TlsContext}, so one thread; not thread-safe.
 */
final class CertificateCache {
    private static final HexFormat HEX = HexFormat.of();

    private final int capacity;
    private final MessageDigest sha256;
    private final LinkedHashMap<String, CertificateInfo> entries;
    private long hits;
    private long misses;

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
