package dev.nfe.dissect.report;

/**
 * A TLS alert record (RFC 8446 section 6; RFC 5246 section 7.2). An alert that is protected by
 * the record layer has {@code encrypted == true} and level/description -1.
 */
public record Alert(boolean encrypted, int level, int description) {

    public static Alert encryptedAlert() {
        return new Alert(true, -1, -1);
    }

    /** The RFC name of the description, e.g. "handshake_failure", or null when unknown/encrypted. */
    public String name() {
        return encrypted ? null : AlertNames.name(description);
    }

    public boolean fatal() {
        return level == 2;
    }
}
