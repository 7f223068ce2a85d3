package dev.nfe.dissect.fingerprint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The digests the fingerprints need, rendered the way their specs print them (lowercase hex). */
final class Digests {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Digests() {
    }

    /**
     * A fresh digest. MD5, SHA-1 and SHA-256 are required of every Java platform
     * ({@link MessageDigest} javadoc), so a missing one is a broken JDK, not an input problem.
     */
    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks the mandatory " + algorithm + " digest", e);
        }
    }

    /** MD5 of the ASCII text as 32 lowercase hex digits (JA3, JA3S). */
    static String md5Hex(String text) {
        return hex(digest("MD5").digest(text.getBytes(StandardCharsets.US_ASCII)), 16);
    }

    /** The first 12 lowercase hex digits of the SHA-256 of the ASCII text (JA4 b and c parts). */
    static String sha256Hex12(String text) {
        return hex(digest("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)), 6);
    }

    /** The first {@code bytes} bytes of {@code data} as lowercase hex. */
    static String hex(byte[] data, int bytes) {
        char[] out = new char[bytes * 2];
        for (int i = 0; i < bytes; i++) {
            out[2 * i] = HEX[(data[i] >>> 4) & 0xf];
            out[2 * i + 1] = HEX[data[i] & 0xf];
        }
        return new String(out);
    }

    /** {@code value} as exactly four lowercase hex digits, the form JA4 lists use. */
    static void appendHex4(StringBuilder sb, int value) {
        sb.append(HEX[(value >>> 12) & 0xf]).append(HEX[(value >>> 8) & 0xf])
                .append(HEX[(value >>> 4) & 0xf]).append(HEX[value & 0xf]);
    }
}
