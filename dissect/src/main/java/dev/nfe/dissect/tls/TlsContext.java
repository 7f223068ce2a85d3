package dev.nfe.dissect.tls;

/**
 * State shared by all TLS decoders of one dissector (one thread): the limits and caches that
 * are cheaper to keep once than per connection (e.g. decoded certificates by their DER hash).
 * Not thread-safe by design: a dissector owns its context.
 */
public final class TlsContext {
    private final TlsLimits limits;

    public TlsContext(TlsLimits limits) {
        this.limits = limits;
    }

    public TlsLimits limits() {
        return limits;
    }
}
