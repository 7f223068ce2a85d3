package dev.nfe.dissect.classify;

/** Data of an {@link EventKind#ENCRYPTED} step: the record's content type and body length. */
public record Protected(int contentType, int length) {

    /**
     * A TLS 1.3 protected record this short can only be an alert: 2 alert bytes + 1 inner
     * content type + a 16-byte AEAD tag = 19 (RFC 8446 section 5.2), a few more with padding.
     * The smallest Finished record is 4 + 32 + 1 + 16 = 53.
     */
    public boolean alertSized() {
        return contentType == 23 && length > 0 && length <= 24;
    }
}
