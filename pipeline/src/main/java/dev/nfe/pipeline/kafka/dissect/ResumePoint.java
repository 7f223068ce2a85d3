package dev.nfe.pipeline.kafka.dissect;

/**
 * What a dissector commits for a partition, beside the consumed offset: the commit offset is
 * the oldest record an open flow still needs (so a successor can rebuild every open flow), and
 * {@code processedUntil} is where processing really got to. A successor re-reads from the commit
 * offset but publishes nothing for records before {@code processedUntil}: their results are
 * already in committed transactions.
 *
 * <pre>
 * OffsetAndMetadata.metadata = "nfe1 processed=&lt;offset&gt;"
 * </pre>
 */
record ResumePoint(long commitOffset, long processedUntil) {
    private static final String PREFIX = "nfe1 processed=";

    String metadata() {
        return PREFIX + processedUntil;
    }

    /** The processed offset from committed metadata; the commit offset itself when absent or foreign. */
    static long processedUntil(String metadata, long commitOffset) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return commitOffset;
        }
        try {
            return Math.max(commitOffset, Long.parseLong(metadata.substring(PREFIX.length()).trim()));
        } catch (NumberFormatException e) {
            return commitOffset;
        }
    }
}
