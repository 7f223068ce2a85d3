package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The handshake layer does not care how messages are cut into records: every run of plaintext
 * handshake records of a real fixture is re-cut into records of 1, 2, 3, 7, 50 and 512 bytes (a
 * message spans many records, a record holds the end of one message and the start of the next,
 * a 4-byte message header is split) and the decoded events must stay the same, except
 * ClientHello.records, which must count the records that carried the hello.
 */
class HandshakeReassemblerTest {

    static List<String> tlsDirections() {
        List<String> out = new ArrayList<>();
        for (String d : Fixtures.directions()) {
            Fixture f = Fixture.load(d.substring(0, d.length() - 2));
            byte[] s = f.stream(d.charAt(d.length() - 1));
            if (s.length > 5 && s[0] == 22 && s[1] == 3) {
                out.add(d);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tlsDirections")
    void recuttingHandshakeRecordsChangesNothing(String fixtureAndDir) {
        Fixture f = Fixture.load(fixtureAndDir.substring(0, fixtureAndDir.length() - 2));
        byte[] s = f.stream(fixtureAndDir.charAt(fixtureAndDir.length() - 1));
        TlsContext context = new TlsContext(TlsLimits.DEFAULT);
        RecordingEvents original = Feeding.cuts(s, new int[0], context);
        for (int size : new int[] {1, 2, 3, 7, 50, 512}) {
            Recut recut = recut(s, size);
            RecordingEvents got = Feeding.fragments(recut.bytes, 7, context);
            assertEquals(masked(original), masked(got), fixtureAndDir + " re-cut to " + size);
            RecordingEvents.Event hello = got.first("clientHello");
            if (hello != null && fixtureAndDir.endsWith("C")) {
                ClientHello h = (ClientHello) hello.value();
                int expected = (h.messageLength() + 4 + size - 1) / size;
                assertTrue(h.records() == expected || h.records() == expected + 1,
                        fixtureAndDir + " size " + size + ": " + h.records() + " records for " + h.messageLength());
            }
        }
    }

    private static List<String> masked(RecordingEvents ev) {
        List<String> out = new ArrayList<>();
        for (RecordingEvents.Event e : ev.events) {
            if (e.kind().equals("clientHello")) {
                out.add("clientHello " + ((ClientHello) e.value()).withTransport(0, 0));
            } else {
                out.add(e.key());
            }
        }
        return out;
    }

    record Recut(byte[] bytes) {
    }

    /**
     * Re-cuts the bodies of consecutive handshake records before the direction's first
     * ChangeCipherSpec into records of {@code size} bytes (the version of the record each new
     * record starts in is kept). Other records and any incomplete tail are copied unchanged.
     */
    static Recut recut(byte[] s, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        List<int[]> versions = new ArrayList<>(); // [offset in run, version]
        int p = 0;
        boolean ccs = false;
        while (p + 5 <= s.length) {
            int type = s[p] & 0xff;
            int version = (s[p + 1] & 0xff) << 8 | (s[p + 2] & 0xff);
            int length = (s[p + 3] & 0xff) << 8 | (s[p + 4] & 0xff);
            if (p + 5 + length > s.length) {
                break;
            }
            if (type == 22 && !ccs) {
                versions.add(new int[] {run.size(), version});
                run.write(s, p + 5, length);
            } else {
                flush(out, run, versions, size);
                if (type == 20) {
                    ccs = true;
                }
                out.write(s, p, 5 + length);
            }
            p += 5 + length;
        }
        flush(out, run, versions, size);
        out.write(s, p, s.length - p);
        return new Recut(out.toByteArray());
    }

    private static void flush(ByteArrayOutputStream out, ByteArrayOutputStream run, List<int[]> versions, int size) {
        byte[] body = run.toByteArray();
        for (int at = 0; at < body.length; at += size) {
            int version = versions.get(0)[1];
            for (int[] v : versions) {
                if (v[0] <= at) {
                    version = v[1];
                }
            }
            int n = Math.min(size, body.length - at);
            out.write(22);
            out.write(version >> 8);
            out.write(version);
            out.write(n >> 8);
            out.write(n);
            out.write(body, at, n);
        }
        run.reset();
        versions.clear();
    }
}
