package dev.nfe.pipeline.output;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.nfe.dissect.finding.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Renders records to JSON-line bytes (newline included). One per thread: it reuses its buffer.
 */
public final class JsonRenderer {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final ByteArrayBuilder buffer = new ByteArrayBuilder(4096);
    private final JsonRecords records = new JsonRecords();

    public byte[] session(SessionRecord s) {
        return render(g -> records.session(g, s));
    }

    public byte[] finding(Finding f) {
        return render(g -> records.finding(g, f));
    }

    public byte[] incident(Incident i) {
        return render(g -> SummaryJson.incident(g, i));
    }

    public byte[] render(Writer w) {
        buffer.reset();
        try (JsonGenerator g = FACTORY.createGenerator(buffer, JsonEncoding.UTF8)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("rendering JSON into memory failed", e);
        }
        buffer.append('\n');
        return buffer.toByteArray();
    }

    /** Writes one JSON value. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator g) throws IOException;
    }
}
