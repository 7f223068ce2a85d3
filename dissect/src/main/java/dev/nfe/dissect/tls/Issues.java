package dev.nfe.dissect.tls;

/**
 * Where a message parser reports what it found wrong. The stream decoder implements it and turns
 * the calls into {@link TlsEvents#anomaly} (once per name and direction) and
 * {@link TlsEvents#violation} (once per direction), stamped with the current frame.
 */
interface Issues {

    /** An oddity that does not stop parsing; {@code name} is a stable snake_case word. */
    void anomaly(String name);

    /** The message is malformed; the caller returns null and the direction stops. */
    void violation(String reason);
}
