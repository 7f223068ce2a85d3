package dev.nfe.capture;

/** One side of a TCP connection. Prints as {@code 10.0.0.7:51234} or {@code [2001:db8::1]:443}. */
public record Endpoint(IpAddress ip, int port) implements Comparable<Endpoint> {

    public Endpoint {
        if (ip == null) {
            throw new IllegalArgumentException("ip is required");
        }
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses {@code a.b.c.d:port} or {@code [v6]:port}, the text {@link #toString()} writes:
     * IPv6 only in brackets, IPv4 never; the port in decimal, 0..65535, without sign or leading
     * zeros. Addresses as {@link IpAddress#parse(String)} reads them (no name lookups).
     *
     * @throws IllegalArgumentException when {@code text} is not such an endpoint
     */
    public static Endpoint parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected address:port, got " + text);
        }
        String host;
        if (text.charAt(0) == '[') {
            if (text.charAt(colon - 1) != ']') {
                throw new IllegalArgumentException("expected [IPv6]:port, got " + text);
            }
            host = text.substring(1, colon - 1);
        } else {
            host = text.substring(0, colon);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("an IPv6 endpoint needs brackets: " + text);
            }
        }
        IpAddress ip = IpAddress.parse(host);
        if (ip.v6() != (text.charAt(0) == '[')) {
            throw new IllegalArgumentException("brackets are for IPv6 only: " + text);
        }
        return new Endpoint(ip, port(text, colon + 1));
    }

    private static int port(String text, int from) {
        int len = text.length() - from;
        if (len < 1 || len > 5 || (len > 1 && text.charAt(from) == '0')) {
            throw new IllegalArgumentException("not a port: " + text.substring(from));
        }
        int port = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not a port: " + text.substring(from));
            }
            port = port * 10 + (c - '0');
        }
        return port; // the constructor checks the range
    }

    @Override
    public int compareTo(Endpoint o) {
        int c = ip.compareTo(o.ip);
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && e.port == port && e.ip.equals(ip);
    }

    @Override
    public int hashCode() {
        return ip.hashCode() * 31 + port;
    }

    @Override
    public String toString() {
        return ip.v6() ? "[" + ip + "]:" + port : ip + ":" + port;
    }
}
