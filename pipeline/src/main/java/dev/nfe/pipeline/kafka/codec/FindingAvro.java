package dev.nfe.pipeline.kafka.codec;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.Confidence;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.dissect.report.Severity;

import java.util.List;
import java.util.Locale;

/**
 * A finding as the Avro record on {@code nfe.findings}, and back: {@code fromAvro(toAvro(f))}
 * equals {@code f}, so the findings CLI prints exactly what replay prints.
 */
public final class FindingAvro {
    private FindingAvro() {
    }

    public static dev.nfe.schema.v1.Finding toAvro(Finding f) {
        return dev.nfe.schema.v1.Finding.newBuilder()
                .setFindingId(f.findingId())
                .setKind(f.kind().name())
                .setSeverity(f.severity().wireName())
                .setTsNanos(f.tsNanos())
                .setCapture(f.capture())
                .setClient(f.client().toString())
                .setServer(f.server().toString())
                .setSni(f.sni())
                .setFlowId(f.flowId())
                .setReason(f.reason())
                .setSummary(f.summary())
                .setEvidenceFrames(f.evidenceFrames())
                .setConfidence(f.confidence().code())
                .setCaptureLoss(f.captureLoss())
                .build();
    }

    /** The domain finding; a record that names no known outcome, severity or endpoint is bad. */
    public static Finding fromAvro(dev.nfe.schema.v1.Finding a) throws BadRecordException {
        try {
            return new Finding(a.getFindingId(), FindingKind.valueOf(a.getKind()), severity(a.getSeverity()),
                    a.getTsNanos(), a.getCapture(), Endpoint.parse(a.getClient()), Endpoint.parse(a.getServer()),
                    a.getSni(), a.getFlowId(), a.getReason(), a.getSummary(), List.copyOf(a.getEvidenceFrames()),
                    Confidence.valueOf(a.getConfidence().toUpperCase(Locale.ROOT)), a.getCaptureLoss());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new BadRecordException("finding " + a.getFindingId() + ": " + e.getMessage(), e);
        }
    }

    private static Severity severity(String wire) {
        for (Severity s : Severity.values()) {
            if (s.wireName().equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown severity " + wire);
    }
}
