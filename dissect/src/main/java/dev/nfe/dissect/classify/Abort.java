package dev.nfe.dissect.classify;

/**
 * A completed handshake that ended badly: the first RST afterwards (either side), or a FIN from
 * the server without a close_notify. A dying worker's kernel sends the RST when the socket still
 * holds unread bytes, the FIN otherwise; both cut the connection with nothing said at TLS level.
 *
 * @param step         the RST or FIN
 * @param completion   the step that completed the handshake
 * @param unannounced  the server sent it with no close_notify (and, for a RST, no FIN of its own
 *                     before): the server host dropped the connection rather than closing it
 * @param unanswered   the client had sent data after the server's last data: a request waited
 */
public record Abort(Step step, Step completion, boolean unannounced, boolean unanswered) {
}
