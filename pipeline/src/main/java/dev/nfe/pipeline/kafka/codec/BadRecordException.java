package dev.nfe.pipeline.kafka.codec;

/** A Kafka record value that is not what it claims to be; the consumer dead-letters it. */
public final class BadRecordException extends Exception {
    public BadRecordException(String message) {
        super(message);
    }

    public BadRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
