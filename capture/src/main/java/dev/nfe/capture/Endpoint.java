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

    /** Parses {@code a.b.c.d:port} or {@code [v6]:port}. */
    public static Endpoint parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected address:port, got " + text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Endpoint(IpAddress.parse(host), Integer.parseInt(text.substring(colon + 1)));
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
