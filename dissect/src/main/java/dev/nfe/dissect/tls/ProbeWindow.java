package dev.nfe.dissect.tls;

/**
 * The bytes of an undecided record start carried over from one feed to the next: at most
 * {@link RecordProbe#MAX_PROBE_BYTES}, because the probe decides with that many. One window per
 * direction, shared by the record layer and the STARTTLS scan: when the scan finds TLS in bytes
 * it kept, the record layer starts its first record from the same bytes.
 */
final class ProbeWindow {
    final byte[] bytes = new byte[RecordProbe.MAX_PROBE_BYTES];
    /** bytes kept; 0 when nothing waits */
    int length;
    /** the feed in which the first kept byte arrived */
    long firstFeed;

    /** Keeps {@code b[pos, end)} (fewer than {@link RecordProbe#MAX_PROBE_BYTES} bytes: the probe said "need more"). */
    void keep(byte[] b, int pos, int end, long feed) {
        int n = end - pos;
        System.arraycopy(b, pos, bytes, 0, n);
        length = n;
        firstFeed = feed;
    }

    void clear() {
        length = 0;
    }

    /**
     * Probes the kept bytes followed by the first bytes of {@code b[pos, end)}. On
     * {@link RecordProbe#NEED_MORE} every byte of {@code b[pos, end)} has been taken into the window
     * (the probe decides within {@link RecordProbe#MAX_PROBE_BYTES}, so "need more" means the feed
     * ran out); otherwise the window still holds only the bytes it held before.
     */
    int probeWith(byte[] b, int pos, int end, RecordProbe.Expect expect, int maxBody, int knownVersion,
                  RecordProbe.Header header) {
        int old = length;
        int take = Math.min(bytes.length - old, end - pos);
        System.arraycopy(b, pos, bytes, old, take);
        int status = RecordProbe.probeInto(bytes, 0, old + take, expect, maxBody, knownVersion, header);
        if (status == RecordProbe.NEED_MORE) {
            length = old + take;
        }
        return status;
    }

    /** Evidence for a report: the kept bytes, then {@code b[pos, end)}, at most {@code max} bytes in all. */
    byte[] prefix(int max, byte[] b, int pos, int end) {
        byte[] first = new byte[Math.min(max, length + (end - pos))];
        int n = Math.min(length, first.length);
        System.arraycopy(bytes, 0, first, 0, n);
        System.arraycopy(b, pos, first, n, first.length - n);
        return first;
    }

    /** Evidence bytes as lowercase hex pairs separated by spaces ("16 03 01 02 00"). */
    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 3);
        for (int i = 0; i < b.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
        }
        return sb.toString();
    }
}
