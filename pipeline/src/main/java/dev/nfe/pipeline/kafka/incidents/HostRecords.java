package dev.nfe.pipeline.kafka.incidents;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.pipeline.kafka.codec.AvroValues;
import dev.nfe.pipeline.kafka.codec.BadRecordException;
import dev.nfe.pipeline.kafka.codec.IncidentAvro;
import dev.nfe.schema.v1.HostIncidents;

import java.util.ArrayList;
import java.util.List;

/** Host records ({@code HostIncidents}) to and from bytes, and their bound. */
final class HostRecords {
    private HostRecords() {
    }

    static byte[] encode(String host, long endNanos, long dropped, List<Incident> incidents) {
        List<dev.nfe.schema.v1.Incident> list = new ArrayList<>(incidents.size());
        incidents.forEach(i -> list.add(IncidentAvro.toAvro(i)));
        return AvroValues.encode(new HostIncidents(host, endNanos, dropped, list));
    }

    /** The incidents of a stored record (none for null). Our own bytes: a failure is a bug. */
    static List<Incident> incidents(byte[] record) {
        if (record == null) {
            return List.of();
        }
        try {
            List<Incident> out = new ArrayList<>();
            for (dev.nfe.schema.v1.Incident a : AvroValues.decodeHostIncidents(record).getIncidents()) {
                out.add(IncidentAvro.fromAvro(a));
            }
            return out;
        } catch (BadRecordException e) {
            throw new IllegalStateException("a stored host record does not decode", e);
        }
    }

    /** The latest {@code max} of incidents sorted by first failure. */
    static List<Incident> newest(List<Incident> sorted, int max) {
        return sorted.size() <= max ? sorted : new ArrayList<>(sorted.subList(sorted.size() - max, sorted.size()));
    }
}
