package dev.nfe.pipeline.output;

import java.util.Arrays;

/**
 * A minimal JSON writer into a reusable byte buffer, for the fixed shapes of nfe's records.
 *
 * <p>Why not Jackson here: a replay renders tens of thousands of records in a process that lives
 * well under a second, before the JIT has done its best work; Jackson's general machinery
 * (escape tables per call, field-name encoding, generator state objects) cost a third of a
 * worker's time there. This writer does the same RFC 8259 job with straight-line code: names
 * are ASCII literals, strings are escaped and UTF-8 encoded, commas are tracked per level.
 * Tests check its output with a real JSON parser. One per thread.
 */
final class JsonWriter {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int MAX_DEPTH = 32;

    /** Encoded member names, by the identity of the literal (names are compile-time constants). */
    private final java.util.HashMap<String, byte[]> names = new java.util.HashMap<>(256);

    /**
     * Encoded values of strings that repeat record after record (fingerprints, enum names,
     * reasons, the capture name): escaped once. Bounded: cleared when it fills up.
     */
    private final java.util.HashMap<String, byte[]> repeated = new java.util.HashMap<>(1024);
    private byte[] buf = new byte[8192];
    private int len;
    /** Per nesting level: whether the next member needs a comma first. */
    private final boolean[] needComma = new boolean[MAX_DEPTH];
    private int depth;
    /** After a name: the value follows without a comma. */
    private boolean afterName;

    void reset() {
        len = 0;
        beginRecord();
    }

    /** Starts a new top-level value after what is already in the buffer (a run of JSON lines). */
    void beginRecord() {
        depth = 0;
        afterName = false;
    }

    void newline() {
        put('\n');
    }

    int length() {
        return len;
    }

    /**
     * Hands over the buffer (valid from 0 to {@link #length()}) and starts an empty one, so the
     * caller may keep the bytes without a copy.
     */
    byte[] detach() {
        return detach(null);
    }

    /** As {@link #detach()}, going on in {@code next} (a run the caller is done with) when given. */
    byte[] detach(byte[] next) {
        byte[] out = buf;
        buf = next != null ? next : new byte[Math.max(8192, Math.min(out.length, len + len / 4))];
        len = 0;
        beginRecord();
        return out;
    }

    byte[] toByteArrayWithNewline() {
        ensure(1);
        buf[len++] = '\n';
        return Arrays.copyOf(buf, len);
    }

    JsonWriter beginObject() {
        beforeValue();
        put('{');
        push();
        return this;
    }

    JsonWriter endObject() {
        depth--;
        put('}');
        return this;
    }

    JsonWriter beginArray() {
        beforeValue();
        put('[');
        push();
        return this;
    }

    JsonWriter endArray() {
        depth--;
        put(']');
        return this;
    }

    /** A member name; {@code name} must be plain ASCII without quotes or backslashes (a literal). */
    JsonWriter name(String name) {
        comma();
        byte[] encoded = names.get(name);
        if (encoded == null) {
            encoded = ("\"" + name + "\":").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            names.put(name, encoded);
        }
        ensure(encoded.length);
        System.arraycopy(encoded, 0, buf, len, encoded.length);
        len += encoded.length;
        afterName = true;
        return this;
    }

    /** A member name that is data (a server, an SNI): escaped like any string. */
    JsonWriter dataName(String name) {
        comma();
        afterName = true; // value(...) below must not add a comma
        value(name);
        put(':');
        afterName = true;
        return this;
    }

    JsonWriter value(String s) {
        beforeValue();
        if (s == null) {
            putAscii("null");
            return this;
        }
        encode(s);
        return this;
    }

    /** As {@link #value(String)} for a string that is likely to repeat: encoded once, then copied. */
    JsonWriter repeatedValue(String s) {
        if (s == null) {
            return nullValue();
        }
        beforeValue();
        byte[] cached = repeated.get(s);
        if (cached != null) {
            ensure(cached.length);
            System.arraycopy(cached, 0, buf, len, cached.length);
            len += cached.length;
            return this;
        }
        int start = len;
        encode(s);
        if (repeated.size() >= 4096) {
            repeated.clear();
        }
        repeated.put(s, Arrays.copyOfRange(buf, start, len));
        return this;
    }

    JsonWriter repeatedField(String name, String v) {
        return name(name).repeatedValue(v);
    }

    /** An endpoint as "a.b.c.d:port" or "[v6]:port", IPv4 written without building a String. */
    JsonWriter endpoint(dev.nfe.capture.Endpoint e) {
        if (e.ip().v6()) {
            return value(e.toString());
        }
        beforeValue();
        ensure(24);
        buf[len++] = '"';
        long ip = e.ip().lo();
        for (int shift = 24; shift >= 0; shift -= 8) {
            digits((int) (ip >>> shift) & 0xff);
            buf[len++] = shift == 0 ? (byte) ':' : (byte) '.';
        }
        digits(e.port());
        buf[len++] = '"';
        return this;
    }

    private void digits(int v) {
        if (v >= 10000) {
            buf[len++] = (byte) ('0' + v / 10000);
        }
        if (v >= 1000) {
            buf[len++] = (byte) ('0' + v / 1000 % 10);
        }
        if (v >= 100) {
            buf[len++] = (byte) ('0' + v / 100 % 10);
        }
        if (v >= 10) {
            buf[len++] = (byte) ('0' + v / 10 % 10);
        }
        buf[len++] = (byte) ('0' + v % 10);
    }

    /** Writes {@code s} as a quoted, escaped JSON string. */
    private void encode(String s) {
        // Fast path: encode once (the JDK's encoder copies ASCII in bulk), and if no byte needs
        // escaping copy it whole. Bytes >= 0x80 are the encoder's valid UTF-8 and need none.
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean plain = utf8.length == s.length();
        for (int i = 0; plain && i < utf8.length; i++) {
            byte x = utf8[i];
            // all-ASCII so far: byte i is char i; a '?' that is not one was an unpaired surrogate
            plain = !((x >= 0 && x < 0x20) || x == '"' || x == '\\' || (x == '?' && s.charAt(i) != '?'));
        }
        if (plain) {
            ensure(utf8.length + 2);
            buf[len++] = '"';
            System.arraycopy(utf8, 0, buf, len, utf8.length);
            len += utf8.length;
            buf[len++] = '"';
            return;
        }
        ensure(s.length() + 2);
        buf[len++] = '"';
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                ensure(1);
                buf[len++] = (byte) c;
            } else {
                escaped(s, i, c);
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                }
            }
        }
        ensure(1);
        buf[len++] = '"';
    }

    JsonWriter value(long v) {
        beforeValue();
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                putAscii(Long.toString(v));
                return this;
            }
            put('-');
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        ensure(digits);
        for (int i = len + digits - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        len += digits;
        return this;
    }

    /** An ISO-8601 timestamp written straight into the buffer (see {@link IsoTimes}). */
    JsonWriter time(IsoTimes clock, long epochNanos) {
        beforeValue();
        ensure(48); // 27 characters and quotes; more for years past 9999
        buf[len++] = '"';
        len = clock.write(epochNanos, buf, len);
        buf[len++] = '"';
        return this;
    }

    JsonWriter value(boolean v) {
        beforeValue();
        putAscii(v ? "true" : "false");
        return this;
    }

    JsonWriter nullValue() {
        beforeValue();
        putAscii("null");
        return this;
    }

    /** Already-rendered JSON (a cached array), UTF-8: written as one value. */
    JsonWriter raw(byte[] json) {
        beforeValue();
        ensure(json.length);
        System.arraycopy(json, 0, buf, len, json.length);
        len += json.length;
        return this;
    }

    /** The bytes written since {@link #reset()}. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    JsonWriter field(String name, String v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, long v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, boolean v) {
        return name(name).value(v);
    }

    /**
     * A decimal number with at most {@code decimals} places (a period in seconds, a share): fixed
     * point, so the same value is written the same way on every platform and path.
     */
    JsonWriter decimal(String name, double v, int decimals) {
        java.math.BigDecimal d = java.math.BigDecimal.valueOf(v).setScale(decimals, java.math.RoundingMode.HALF_EVEN)
                .stripTrailingZeros();
        name(name);
        beforeValue();
        putAscii(d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString());
        return this;
    }

    JsonWriter fieldNull(String name) {
        return name(name).nullValue();
    }

    private void escaped(String s, int i, char c) {
        switch (c) {
            case '"' -> putAscii("\\\"");
            case '\\' -> putAscii("\\\\");
            case '\n' -> putAscii("\\n");
            case '\r' -> putAscii("\\r");
            case '\t' -> putAscii("\\t");
            case '\b' -> putAscii("\\b");
            case '\f' -> putAscii("\\f");
            default -> {
                if (c < 0x20) {
                    ensure(6);
                    buf[len++] = '\\';
                    buf[len++] = 'u';
                    buf[len++] = '0';
                    buf[len++] = '0';
                    buf[len++] = HEX[c >> 4];
                    buf[len++] = HEX[c & 0xf];
                } else if (c < 0x800) {
                    ensure(2);
                    buf[len++] = (byte) (0xc0 | (c >> 6));
                    buf[len++] = (byte) (0x80 | (c & 0x3f));
                } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(i + 1));
                    ensure(4);
                    buf[len++] = (byte) (0xf0 | (cp >> 18));
                    buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                    buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                    buf[len++] = (byte) (0x80 | (cp & 0x3f));
                } else if (Character.isSurrogate(c)) {
                    putAscii("\\ufffd"); // a lone surrogate has no UTF-8 form
                } else {
                    ensure(3);
                    buf[len++] = (byte) (0xe0 | (c >> 12));
                    buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                    buf[len++] = (byte) (0x80 | (c & 0x3f));
                }
            }
        }
    }

    private void push() {
        if (depth == MAX_DEPTH) {
            throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
        }
        needComma[depth++] = false;
    }

    private void comma() {
        if (depth > 0) {
            if (needComma[depth - 1]) {
                put(',');
            }
            needComma[depth - 1] = true;
        }
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
        } else {
            comma();
        }
    }

    private void put(char c) {
        ensure(1);
        buf[len++] = (byte) c;
    }

    private void putAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
