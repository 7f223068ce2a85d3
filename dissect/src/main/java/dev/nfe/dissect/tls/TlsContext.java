package dev.nfe.dissect.tls;

/**
 * State shared by all TLS decoders of one dissector (one thread): the limits and caches that
 * are cheaper to keep once than per connection (e.g. decoded certificates by their DER hash).
 * Not thread-safe by design: a dissector owns its context.
 */
public final class TlsContext {
    /** Default number of decoded certificates kept (a few MB at most). */
    public static final int DEFAULT_CERTIFICATE_CACHE = 4096;

    private final TlsLimits limits;
    private final CertificateCache certificates;
    private final IntListInterner lists = new IntListInterner(4096);

    public TlsContext(TlsLimits limits) {
        this(limits, DEFAULT_CERTIFICATE_CACHE);
    }

    /** @param certificateCacheEntries decoded certificates kept by SHA-256 (LRU); 0 disables the cache */
    public TlsContext(TlsLimits limits, int certificateCacheEntries) {
        this.limits = limits;
        this.certificates = new CertificateCache(certificateCacheEntries);
    }

    /**
     * Initialises the Bouncy Castle classes certificate decoding needs (object identifier tables,
     * name styles, named curves). Their static initialisers cost tens of milliseconds on first
     * use; a driver may call this on a spare thread while it opens its input, so the first
     * Certificate message does not pay for it on the critical path. Safe to call any number of
     * times, from any thread; it decodes nothing.
     */
    public static void warmUp() {
        CertificateDecoder.warmUp();
    }

    public TlsLimits limits() {
        return limits;
    }

    /** Certificates found in the cache so far (for statistics). */
    public long certificateCacheHits() {
        return certificates.hits();
    }

    /** Certificates decoded with Bouncy Castle so far (cache misses). */
    public long certificateCacheMisses() {
        return certificates.misses();
    }

    /** Certificate messages recognised as a chain seen before (no hashing, no parsing). */
    public long certificateChainHits() {
        return certificates.chainHits();
    }

    IntListInterner lists() {
        return lists;
    }

    CertificateCache certificates() {
        return certificates;
    }
}
