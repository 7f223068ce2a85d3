package dev.nfe.pipeline.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An independent reading of one JSON line: the bytes must be well-formed UTF-8 (checked by the
 * JDK's decoder set to report, not replace), and Jackson must read exactly one object from them
 * with no duplicate member and nothing after it. Jackson also rejects raw control characters in
 * strings (RFC 8259 section 7).
 */
final class StrictJson {
    // Jackson's default cap on a member name (50,000 chars) is a guard of its own, not JSON's;
    // the edge-value test writes a 70,000-char SNI as an object key
    private static final ObjectMapper PARSER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNameLength(1 << 20).build()).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private StrictJson() {
    }

    static JsonNode parse(byte[] line) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            return fail("not UTF-8: " + e + " in " + new String(line, StandardCharsets.UTF_8));
        }
        assertTrue(text.indexOf('\n') < 0 && text.indexOf('\r') < 0, "a raw line break inside a line: " + text);
        try {
            JsonNode n = PARSER.readTree(line);
            assertTrue(n != null && n.isObject(), "not one JSON object: " + text);
            return n;
        } catch (IOException e) {
            return fail("not JSON: " + e.getMessage() + "\n" + text);
        }
    }
}
