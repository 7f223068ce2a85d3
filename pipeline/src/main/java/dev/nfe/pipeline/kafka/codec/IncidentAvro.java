package dev.nfe.pipeline.kafka.codec;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.incident.Discriminator;
import dev.nfe.dissect.incident.Fault;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Recurrence;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.schema.v1.NamedCount;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An {@link Incident} as the Avro record inside {@code nfe.incidents}' host records, and back:
 * {@code fromAvro(toAvro(i))} equals {@code i}, so {@code nfe findings} prints what replay prints.
 * Maps travel as lists of entries: their order (kinds in kind order, SNIs most frequent first) is
 * part of the record, and Avro maps keep none.
 */
public final class IncidentAvro {
    private IncidentAvro() {
    }

    public static dev.nfe.schema.v1.Incident toAvro(Incident i) {
        Map<String, Long> kinds = new LinkedHashMap<>();
        i.kinds().forEach((k, n) -> kinds.put(k.name(), n));
        Recurrence r = i.recurrence();
        return dev.nfe.schema.v1.Incident.newBuilder()
                .setIncidentId(i.incidentId())
                .setKind(i.kind().name())
                .setFault(i.fault().code())
                .setSeverity(i.severity().wireName())
                .setServer(i.server().toString())
                .setServers(i.servers())
                .setFirstTsNanos(i.firstTsNanos())
                .setLastTsNanos(i.lastTsNanos())
                .setCount(i.count())
                .setKinds(entries(kinds))
                .setDistinctClients(i.distinctClients())
                .setClientsCapped(i.clientsCapped())
                .setSampleClients(i.sampleClients())
                .setHelloFormats(entries(i.helloFormats()))
                .setSnis(entries(i.snis()))
                .setRstBy(entries(i.rstBy()))
                .setMedianAfterClientHelloUs(i.medianAfterHelloMicros())
                .setRstTtlMatches(i.rstTtlMatches())
                .setRstTtlMismatches(i.rstTtlMismatches())
                .setRstSource(i.rstSource())
                .setUnanswered(i.unanswered())
                .setOkDuring(i.okDuring())
                .setFailedShare(i.failedShare())
                .setRecurrence(r == null ? null : new dev.nfe.schema.v1.Recurrence(r.periodS(), r.jitterS(), r.events(),
                        r.cycles(), r.missedCycles()))
                .setDiscriminators(toAvro(i.discriminators()))
                .setState(i.state().code())
                .setCaptures(i.captures())
                .setSampleFindingIds(i.sampleFindingIds())
                .setSummary(i.summary())
                .setContrasts(toAvro(i.contrasts()))
                .build();
    }

    /** The domain incident; names that are no kind, fault, severity, state or endpoint make it bad. */
    public static Incident fromAvro(dev.nfe.schema.v1.Incident a) throws BadRecordException {
        try {
            Map<FindingKind, Long> kinds = new EnumMap<>(FindingKind.class);
            for (NamedCount c : a.getKinds()) {
                kinds.put(FindingKind.valueOf(c.getName()), c.getCount());
            }
            dev.nfe.schema.v1.Recurrence r = a.getRecurrence();
            return new Incident(a.getIncidentId(), Fault.valueOf(a.getFault().toUpperCase(Locale.ROOT)),
                    FindingKind.valueOf(a.getKind()), ObservationAvro.severity(a.getSeverity()),
                    Endpoint.parse(a.getServer()), a.getServers(), a.getFirstTsNanos(), a.getLastTsNanos(),
                    a.getCount(), kinds, a.getDistinctClients(), a.getClientsCapped(), a.getSampleClients(),
                    map(a.getHelloFormats()), map(a.getSnis()), map(a.getRstBy()), a.getMedianAfterClientHelloUs(),
                    a.getRstTtlMatches(), a.getRstTtlMismatches(), a.getRstSource(), a.getUnanswered(),
                    a.getOkDuring(), a.getFailedShare(),
                    r == null ? null : new Recurrence(r.getPeriodS(), r.getJitterS(), r.getEvents(), r.getCycles(),
                            r.getMissedCycles()),
                    discriminators(a.getDiscriminators()), discriminators(a.getContrasts()), state(a.getState()),
                    a.getCaptures(), a.getSampleFindingIds(), a.getSummary());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new BadRecordException("incident " + a.getIncidentId() + ": " + e.getMessage(), e);
        }
    }

    private static List<dev.nfe.schema.v1.Discriminator> toAvro(List<Discriminator> list) {
        List<dev.nfe.schema.v1.Discriminator> out = new ArrayList<>(list.size());
        for (Discriminator d : list) {
            out.add(new dev.nfe.schema.v1.Discriminator(d.feature(), d.value(), d.failed(), d.failedOf(), d.ok(), d.okOf()));
        }
        return out;
    }

    private static List<Discriminator> discriminators(List<dev.nfe.schema.v1.Discriminator> list) {
        List<Discriminator> out = new ArrayList<>(list.size());
        for (dev.nfe.schema.v1.Discriminator d : list) {
            out.add(new Discriminator(d.getFeature(), d.getValue(), d.getFailed(), d.getFailedOf(), d.getOk(), d.getOkOf()));
        }
        return out;
    }

    private static List<NamedCount> entries(Map<String, Long> m) {
        List<NamedCount> out = new ArrayList<>(m.size());
        m.forEach((k, n) -> out.add(new NamedCount(k, n)));
        return out;
    }

    private static Map<String, Long> map(List<NamedCount> entries) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (NamedCount c : entries) {
            out.put(c.getName(), c.getCount());
        }
        return out;
    }

    private static Incident.State state(String code) {
        for (Incident.State s : Incident.State.values()) {
            if (s.code().equals(code)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown incident state " + code);
    }
}
