package dev.nfe.pipeline.replay;

import java.util.concurrent.atomic.AtomicReference;

/** The first unexpected error of a run; every blocking wait checks it so nothing hangs. */
final class Failure {
    private final AtomicReference<Throwable> cause = new AtomicReference<>();

    void fail(Throwable t) {
        cause.compareAndSet(null, t);
    }

    boolean failed() {
        return cause.get() != null;
    }

    Throwable cause() {
        return cause.get();
    }
}
