package dev.nfe.pipeline.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} over the JDK's own HTTP server: the Prometheus text exposition (format
 * 0.0.4), 404 for every other path, 405 for other methods on {@code /metrics}. Requests are
 * answered one at a time on one daemon thread: Prometheus scrapes every few seconds, and a
 * scrape takes well under a millisecond.
 */
final class MetricsEndpoint implements AutoCloseable {
    static final String PATH = "/metrics";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Supplier<String> exposition;

    private MetricsEndpoint(HttpServer server, ExecutorService executor, Supplier<String> exposition) {
        this.server = server;
        this.executor = executor;
        this.exposition = exposition;
    }

    /**
     * Binds and starts serving.
     *
     * @param listen how the user wrote the address, for the error message
     * @throws IOException naming the address when it cannot be bound (in use, not local, no permission)
     */
    static MetricsEndpoint start(InetSocketAddress at, String listen, Supplier<String> exposition) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(at, 16);
        } catch (BindException e) {
            throw new IOException("cannot serve metrics on " + listen + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + listen + ": " + e, e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nfe-metrics-http");
            t.setDaemon(true);
            return t;
        });
        MetricsEndpoint endpoint = new MetricsEndpoint(server, executor, exposition);
        server.createContext("/", endpoint::handle);
        server.setExecutor(executor);
        server.start();
        return endpoint;
    }

    /** The bound address: the real port when port 0 was asked for. */
    InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            x.getRequestBody().readAllBytes();
            if (!PATH.equals(x.getRequestURI().getPath())) {
                reply(x, 404, "not found: the metrics are at " + PATH + "\n");
                return;
            }
            String method = x.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                x.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(x, 405, "method not allowed: GET " + PATH + "\n");
                return;
            }
            String text;
            try {
                text = exposition.get();
            } catch (RuntimeException e) {
                reply(x, 500, "cannot render the metrics: " + e + "\n");
                return;
            }
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if (method.equals("HEAD")) {
                x.sendResponseHeaders(200, -1);
                return;
            }
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void reply(HttpExchange x, int status, String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops listening at once and ends the thread. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
