package dev.nfe.pipeline.kafka.dissect;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Where records that cannot be processed go, with why (the dead-letter topic, in the open transaction). */
interface DeadLetters {
    void deadLetter(ConsumerRecord<byte[], byte[]> r, String why);
}
