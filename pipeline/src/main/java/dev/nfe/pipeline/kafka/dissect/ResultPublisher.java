package dev.nfe.pipeline.kafka.dissect;

import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

/** Where a partition's results go: into the open transaction. */
interface ResultPublisher {
    void session(SessionRecord s);

    void finding(Finding f);

    /** A record that could not be processed, with why. */
    void deadLetter(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r, String why);
}
