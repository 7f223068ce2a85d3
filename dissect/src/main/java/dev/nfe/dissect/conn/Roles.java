package dev.nfe.dissect.conn;

import dev.nfe.dissect.report.ClientBasis;

/**
 * Which direction is the client, and the evidence that decided it, strongest first: the sender of
 * the first SYN; else the receiver of a SYN/ACK; else the sender of the first ClientHello; else
 * the receiver of the first ServerHello; else the endpoint with the higher port.
 *
 * @param clientHello the connection's first ClientHello event (either side), or null
 * @param serverHello the connection's first ServerHello event (either side), or null
 */
record Roles(int clientDir, ClientBasis basis, boolean syn, boolean synAck, ConnEvent clientHello,
             ConnEvent serverHello) {

    static Roles of(ConnectionSnapshot c) {
        ConnEvent syn = null;
        ConnEvent synAck = null;
        ConnEvent ch = null;
        ConnEvent sh = null;
        for (ConnEvent e : c.events()) {
            switch (e.kind()) {
                case SYN -> syn = syn == null ? e : syn;
                case SYNACK -> synAck = synAck == null ? e : synAck;
                case CLIENT_HELLO -> ch = ch == null ? e : ch;
                case SERVER_HELLO -> sh = sh == null ? e : sh;
                case HANDSHAKE, CCS, ENCRYPTED, ALERT, PLAINTEXT, STARTTLS, FIN, RST, GAP, VIOLATION -> {
                }
            }
        }
        int clientDir;
        ClientBasis basis;
        if (syn != null) {
            clientDir = syn.dir();
            basis = ClientBasis.SYN;
        } else if (synAck != null) {
            clientDir = 1 - synAck.dir();
            basis = ClientBasis.SYNACK;
        } else if (ch != null) {
            clientDir = ch.dir();
            basis = ClientBasis.CLIENT_HELLO;
        } else if (sh != null) {
            clientDir = 1 - sh.dir();
            basis = ClientBasis.SERVER_HELLO;
        } else {
            clientDir = c.endpoint(0).port() >= c.endpoint(1).port() ? 0 : 1;
            basis = ClientBasis.PORT;
        }
        return new Roles(clientDir, basis, syn != null, synAck != null, ch, sh);
    }
}
