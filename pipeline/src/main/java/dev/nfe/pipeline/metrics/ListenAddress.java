package dev.nfe.pipeline.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Where the metrics endpoint listens, as the user writes it: {@code HOST:PORT},
 * {@code [IPv6]:PORT}, or {@code :PORT} for every interface. Port 0 asks for a free port.
 */
final class ListenAddress {
    private ListenAddress() {
    }

    /**
     * @throws IllegalArgumentException when the text is not of that form
     * @throws IOException              when the host name does not resolve
     */
    static InetSocketAddress parse(String listen) throws IOException {
        String s = listen.trim();
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + listen + "' is not HOST:PORT or :PORT");
        }
        String host = s.substring(0, colon);
        int port = port(listen, s.substring(colon + 1));
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("'" + listen + "': write an IPv6 address in brackets, [::1]:PORT");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + listen + "' has an empty host");
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new IOException("cannot serve metrics on " + listen + ": unknown host " + host);
        }
        return a;
    }

    private static int port(String listen, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + listen + "' needs a port from 0 to 65535 after the last ':'");
    }

    /** {@code host:port}, IPv6 in brackets, for messages and URLs. */
    static String format(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            int scope = host.indexOf('%');
            host = "[" + (scope >= 0 ? host.substring(0, scope) : host) + "]";
        }
        return host + ":" + a.getPort();
    }
}
