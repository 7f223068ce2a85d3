package dev.nfe.dissect.report;

/** How urgently a finding needs a person. */
public enum Severity {
    /** worth knowing: expected failures (a client refusing a certificate, probing scanners) */
    LOW,
    /** the server refused or dropped a handshake it should probably serve */
    MEDIUM,
    /** the server died or vanished mid-handshake: the crashed-worker signature */
    HIGH;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
