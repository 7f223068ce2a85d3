package dev.nfe.dissect.incident;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.finding.Phrases;
import dev.nfe.dissect.report.AbortEvidence;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.RstEvidence;
import dev.nfe.dissect.report.SessionRecord;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns sessions (and their findings) into the {@link Observation}s incidents are made of: each
 * failure with a fault, and each handshake that completed without a finding (the comparison the
 * incident needs: how many got through meanwhile, and with which hellos). One per engine.
 */
public final class Observer {
    private static final int HOSTS = 1024;

    private final HelloFeatures features = new HelloFeatures();
    /** Each server's incident key, made once (a string per session cost as much as the rest). Bounded (LRU). */
    private final Map<Endpoint, String> hostKeys = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Endpoint, String> eldest) {
            return size() > HOSTS;
        }
    };

    /** The observation of {@code s} and its finding {@code f} (null: none), or null when incidents do not care. */
    public Observation of(SessionRecord s, Finding f) {
        if (f == null) {
            if (s.outcome() != Outcome.COMPLETED) {
                return null;
            }
            long ts = s.clientHello() != null ? s.clientHello().tsNanos() : s.firstTsNanos();
            String order = (s.flowId() != null ? s.flowId() : s.client() + ">" + s.server()) + "|" + s.firstTsNanos();
            return new Observation(ts, order, s.server(), hostKey(s.server()), null, null, null, null,
                    s.client(), features.of(s.clientHello(), s.client().ip()), Phrases.helloFormat(s.clientHello()),
                    s.sni(), null, null, null, false, s.capture());
        }
        Fault fault = Fault.of(f, s);
        if (fault == null) {
            return null;
        }
        Evidence e = evidence(f, s);
        Long afterHello = s.clientHello() == null ? null : Math.max(0, f.tsNanos() - s.clientHello().tsNanos()) / 1000;
        return new Observation(f.tsNanos(), f.findingId(), s.server(), hostKey(s.server()), fault, f.kind(),
                f.severity(), f.findingId(), s.client(), features.of(s.clientHello(), s.client().ip()),
                Phrases.helloFormat(s.clientHello()), s.sni(), e.by(), e.ttlMatch(), afterHello, e.unanswered(),
                s.capture());
    }

    private String hostKey(Endpoint server) {
        String k = hostKeys.get(server);
        if (k == null) {
            k = Observation.hostKey(server);
            hostKeys.put(server, k);
        }
        return k;
    }

    /** Who sent the RST or FIN that decided the finding, whether its TTL matched, whether a request waited. */
    private record Evidence(dev.nfe.dissect.report.Role by, Boolean ttlMatch, boolean unanswered) {
        static final Evidence NONE = new Evidence(null, null, false);

        static Evidence of(RstEvidence r) {
            return r == null ? NONE : new Evidence(r.by(), r.senderTtl() == null ? null : !r.injectedSuspect(), false);
        }

        static Evidence of(AbortEvidence a) {
            return a == null ? NONE : new Evidence(a.by(), a.serverTtl() == null ? null : !a.injectedSuspect(),
                    a.unanswered());
        }
    }

    private static Evidence evidence(Finding f, SessionRecord s) {
        return switch (f.kind()) {
            case RESET_AFTER_CLIENT_HELLO, RESET_DURING_HANDSHAKE, CONNECTION_REFUSED -> Evidence.of(s.rst());
            case RESET_AFTER_HANDSHAKE -> Evidence.of(s.abort());
            case CLOSED_AFTER_HANDSHAKE -> Evidence.of(s.abruptClose());
            case CLOSED_AFTER_CLIENT_HELLO, SERVER_ALERT, CLIENT_ALERT, NON_TLS_RESPONSE, NO_SERVER_RESPONSE,
                 CLOSED_DURING_HANDSHAKE, INDETERMINATE -> Evidence.NONE;
        };
    }
}
