package dev.nfe.pipeline.evidence;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.FindingKind;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the run tells the evidence writer, kept on disk until the incidents are known: where each
 * failing connection's frames are ({@link Connection}, when its finding comes), and which incident
 * each failure joined ({@link Member}, when the incident engine puts it there, often much later).
 * A capture may hold millions of failures, so these go to one file in the evidence directory
 * (about 250 bytes per failure) instead of memory, and are read back at the end. Deleted on close.
 */
final class EvidenceSpill implements Closeable {
    /** A failure as it joined its incident: enough to list it when it is left out of the file. */
    record Member(String incidentId, String findingId, long tsNanos, FindingKind kind, String client, String server,
                  String capture) {
    }

    /** Receives what is read back. */
    interface Reader {
        default void connection(Connection c) throws IOException {
        }

        default void member(Member m) throws IOException {
        }
    }

    private static final byte CONNECTION = 'C';
    private static final byte MEMBER = 'M';
    /** writeUTF takes at most 65,535 bytes; a finding's sentence is far shorter. */
    private static final int MAX_TEXT = 16_000;

    private final Path file;
    private final DataOutputStream out;
    private long records;

    EvidenceSpill(Path dir) throws IOException {
        this.file = Files.createTempFile(dir, ".nfe-evidence-", ".spill");
        this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }

    void connection(Connection c) throws IOException {
        out.writeByte(CONNECTION);
        out.writeInt(c.capture());
        out.writeUTF(c.client().toString());
        out.writeUTF(c.server().toString());
        out.writeLong(c.firstFrame());
        out.writeLong(c.lastFrame());
        out.writeLong(c.packets());
        out.writeLong(c.tsNanos());
        out.writeLong(c.helloFrame());
        longs(c.reactionFrames());
        out.writeUTF(c.findingId());
        out.writeByte(c.kind().ordinal());
        out.writeUTF(c.summary().length() > MAX_TEXT ? c.summary().substring(0, MAX_TEXT) : c.summary());
        records++;
    }

    void member(Member m) throws IOException {
        out.writeByte(MEMBER);
        out.writeUTF(m.incidentId());
        out.writeUTF(m.findingId());
        out.writeLong(m.tsNanos());
        out.writeByte(m.kind().ordinal());
        out.writeUTF(m.client());
        out.writeUTF(m.server());
        out.writeUTF(m.capture() == null ? "" : m.capture());
        records++;
    }

    /** Reads everything back in the order written (call after the last write). */
    void readAll(Reader reader) throws IOException {
        out.flush();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            for (long i = 0; i < records; i++) {
                byte type = in.readByte();
                if (type == CONNECTION) {
                    reader.connection(readConnection(in));
                } else if (type == MEMBER) {
                    reader.member(new Member(in.readUTF(), in.readUTF(), in.readLong(),
                            FindingKind.values()[in.readByte()], in.readUTF(), in.readUTF(), in.readUTF()));
                } else {
                    throw new IOException("evidence spill " + file + " is corrupt at record " + i);
                }
            }
        } catch (EOFException e) {
            throw new IOException("evidence spill " + file + " ended early", e);
        }
    }

    private static Connection readConnection(DataInputStream in) throws IOException {
        int capture = in.readInt();
        Endpoint client = Endpoint.parse(in.readUTF());
        Endpoint server = Endpoint.parse(in.readUTF());
        long first = in.readLong();
        long last = in.readLong();
        long packets = in.readLong();
        long ts = in.readLong();
        long hello = in.readLong();
        List<Long> reaction = longs(in);
        String id = in.readUTF();
        FindingKind kind = FindingKind.values()[in.readByte()];
        String summary = in.readUTF();
        return new Connection(capture, client, server, first, last, packets, ts, hello, reaction, id, kind, summary);
    }

    private void longs(List<Long> values) throws IOException {
        out.writeShort(values.size());
        for (long v : values) {
            out.writeLong(v);
        }
    }

    private static List<Long> longs(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        List<Long> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.readLong());
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
