package dev.nfe.testsuite;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One real KRaft broker (and an admin client) for all the tests of a class: starting a broker
 * costs seconds, so a class shares one and gives each test its own topic prefix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WithKafka {
    InJvmKafka kafka;
    Admin admin;

    @BeforeAll
    void startKafka() throws Exception {
        kafka = new InJvmKafka();
        admin = Admin.create(KafkaReads.client(kafka.bootstrap()));
    }

    @AfterAll
    void stopKafka() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
