package dev.nfe.pipeline.kafka.dissect;

/** One agent's one input (a capture file or an interface): the unit a dissector follows. */
record StreamId(String agent, String source) {
}
