package dev.nfe.pipeline.kafka.codec;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.incident.Fault;
import dev.nfe.dissect.incident.Feature;
import dev.nfe.dissect.incident.Observation;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.Severity;
import dev.nfe.schema.v1.FeatureRun;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * An {@link Observation} as the Avro record on {@code nfe.observations}, and back:
 * {@code fromAvro(toAvro(o))} equals {@code o}. A hello's features travel as runs of one name
 * ("cipher_suite": 17 values), in their order, so that the names are not repeated per value.
 */
public final class ObservationAvro {
    private ObservationAvro() {
    }

    public static dev.nfe.schema.v1.Observation toAvro(Observation o) {
        return dev.nfe.schema.v1.Observation.newBuilder()
                .setTsNanos(o.tsNanos())
                .setOrder(o.order())
                .setServer(o.server().toString())
                .setHost(o.host())
                .setFault(o.fault() == null ? null : o.fault().name())
                .setKind(o.kind() == null ? null : o.kind().name())
                .setSeverity(o.severity() == null ? null : o.severity().wireName())
                .setFindingId(o.findingId())
                .setClient(o.client().toString())
                .setFeatures(runs(o.features()))
                .setHelloFormat(o.helloFormat())
                .setSni(o.sni())
                .setRstBy(o.rstBy() == null ? null : o.rstBy().wireName())
                .setRstTtlMatch(o.rstTtlMatch())
                .setAfterHelloMicros(o.afterHelloMicros())
                .setUnanswered(o.unanswered())
                .setCapture(o.capture())
                .build();
    }

    /** The domain observation; names that are no fault, kind, severity, role or endpoint make it bad. */
    public static Observation fromAvro(dev.nfe.schema.v1.Observation a) throws BadRecordException {
        return fromAvro(a, UnaryOperator.identity());
    }

    /**
     * As {@link #fromAvro(dev.nfe.schema.v1.Observation)}, each feature passed through {@code share}
     * (e.g. a {@link dev.nfe.dissect.incident.FeatureInterner}'s {@code intern}): a reader that keeps
     * many observations keeps each distinct feature once.
     */
    public static Observation fromAvro(dev.nfe.schema.v1.Observation a, UnaryOperator<Feature> share)
            throws BadRecordException {
        try {
            return new Observation(a.getTsNanos(), a.getOrder(), Endpoint.parse(a.getServer()), a.getHost(),
                    a.getFault() == null ? null : Fault.valueOf(a.getFault()),
                    a.getKind() == null ? null : FindingKind.valueOf(a.getKind()),
                    a.getSeverity() == null ? null : severity(a.getSeverity()), a.getFindingId(),
                    Endpoint.parse(a.getClient()), features(a.getFeatures(), share), a.getHelloFormat(), a.getSni(),
                    a.getRstBy() == null ? null : role(a.getRstBy()), a.getRstTtlMatch(), a.getAfterHelloMicros(),
                    a.getUnanswered(), a.getCapture());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new BadRecordException("observation " + a.getOrder() + ": " + e.getMessage(), e);
        }
    }

    private static List<FeatureRun> runs(List<Feature> features) {
        if (features == null) {
            return null;
        }
        List<FeatureRun> out = new ArrayList<>();
        FeatureRun run = null;
        for (Feature f : features) {
            if (run == null || !run.getName().equals(f.name())) {
                run = new FeatureRun(f.name(), new ArrayList<>(4));
                out.add(run);
            }
            run.getValues().add(f.value());
        }
        return out;
    }

    private static List<Feature> features(List<FeatureRun> runs, UnaryOperator<Feature> share) {
        if (runs == null) {
            return null;
        }
        List<Feature> out = new ArrayList<>();
        for (FeatureRun r : runs) {
            for (String v : r.getValues()) {
                out.add(share.apply(new Feature(r.getName(), v)));
            }
        }
        return out;
    }

    static Severity severity(String wire) {
        for (Severity s : Severity.values()) {
            if (s.wireName().equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown severity " + wire);
    }

    private static Role role(String wire) {
        for (Role r : Role.values()) {
            if (r.wireName().equals(wire)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role " + wire.toLowerCase(Locale.ROOT));
    }
}
