package dev.nfe.dissect.report;

/**
 * The evidence that decided which endpoint is the client, strongest first: the sender of the
 * first SYN; else the receiver of a SYN/ACK; else the sender of the first ClientHello; else the
 * receiver of the first ServerHello; else the endpoint with the higher port.
 */
public enum ClientBasis {
    SYN, SYNACK, CLIENT_HELLO, SERVER_HELLO, PORT;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
