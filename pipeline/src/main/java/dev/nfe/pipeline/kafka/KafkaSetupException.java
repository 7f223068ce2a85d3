package dev.nfe.pipeline.kafka;

/** The cluster cannot be reached or refuses what nfe needs (topics, transactions). */
public final class KafkaSetupException extends Exception {
    public KafkaSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
