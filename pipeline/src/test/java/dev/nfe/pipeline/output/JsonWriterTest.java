package dev.nfe.pipeline.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written writer against a real JSON parser (Jackson): any string a capture can put in
 * a record (SNI, ALPN, certificate names, plaintext) must come back exactly, as valid UTF-8 JSON.
 */
class JsonWriterTest {
    private static final ObjectMapper PARSER = new ObjectMapper();

    @Test
    void everyStringRoundTripsThroughARealParser() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        JsonWriter w = new JsonWriter();
        for (int i = 0; i < 20_000; i++) {
            String s = randomString(rnd);
            w.reset();
            w.beginObject().field("v", s).name("n").value((long) i).endObject();
            byte[] out = w.toByteArrayWithNewline();
            JsonNode n = PARSER.readTree(out);
            String expected = s.codePoints().allMatch(Character::isValidCodePoint) && !hasLoneSurrogate(s) ? s : null;
            if (expected != null) {
                assertEquals(s, n.path("v").asText(), "round trip of " + escapeForMessage(s));
            } else {
                assertTrue(n.path("v").isTextual()); // a lone surrogate becomes U+FFFD, still valid JSON
            }
            assertEquals(i, n.path("n").asLong());
        }
    }

    @Test
    void repeatedValuesAndRawArraysKeepTheDocumentValid() throws Exception {
        JsonWriter w = new JsonWriter();
        w.reset();
        w.beginObject()
                .repeatedField("a", "0x0303").repeatedField("b", "0x0303").repeatedField("c", "quote\"d")
                .repeatedField("d", "quote\"d").fieldNull("e").field("f", true)
                .name("g").raw("[1,2,3]".getBytes(StandardCharsets.US_ASCII))
                .name("h").beginArray().value("x").nullValue().value(-42L).value(Long.MIN_VALUE).endArray()
                .name("i").beginObject().dataName("srv \"1\"").value(7L).dataName("ü").value(8L).endObject()
                .name("j").endpoint(dev.nfe.capture.Endpoint.parse("10.0.0.7:51234"))
                .name("k").endpoint(dev.nfe.capture.Endpoint.parse("[2001:db8::1]:443"))
                .endObject();
        JsonNode n = PARSER.readTree(w.toByteArrayWithNewline());
        assertEquals("0x0303", n.path("b").asText());
        assertEquals("quote\"d", n.path("d").asText());
        assertTrue(n.path("e").isNull());
        assertEquals(3, n.path("g").size());
        assertEquals(Long.MIN_VALUE, n.path("h").get(3).asLong());
        assertEquals(7, n.path("i").path("srv \"1\"").asLong());
        assertEquals(8, n.path("i").path("ü").asLong());
        assertEquals("10.0.0.7:51234", n.path("j").asText());
        assertEquals("[2001:db8::1]:443", n.path("k").asText());
    }

    @Test
    void runsOfLinesAreDetachedWithoutCopies() throws Exception {
        JsonWriter w = new JsonWriter();
        w.reset();
        for (int i = 0; i < 3; i++) {
            w.beginRecord();
            w.beginObject().field("i", i).endObject();
            w.newline();
        }
        int len = w.length();
        byte[] run = w.detach();
        String[] lines = new String(run, 0, len, StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length);
        for (int i = 0; i < 3; i++) {
            assertEquals(i, PARSER.readTree(lines[i]).path("i").asInt());
        }
        assertEquals(0, w.length());
    }

    private static String randomString(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(40);
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(6);
            switch (kind) {
                case 0 -> sb.append((char) rnd.nextInt(0x20));              // control characters
                case 1 -> sb.append("\"\\/".charAt(rnd.nextInt(3)));          // JSON specials
                case 2 -> sb.append((char) (0x20 + rnd.nextInt(0x5f)));       // printable ASCII
                case 3 -> sb.append((char) (0x80 + rnd.nextInt(0x780)));      // two-byte UTF-8
                case 4 -> sb.appendCodePoint(0x10000 + rnd.nextInt(0xfffff)); // surrogate pairs
                default -> sb.append((char) (0xd800 + rnd.nextInt(0x800)));   // lone surrogates
            }
        }
        return sb.toString();
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return true;
            }
            if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String escapeForMessage(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return sb.toString();
    }
}
