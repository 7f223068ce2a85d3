package dev.nfe.pipeline.output;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Text lines to be read in time order at the end (finding lines are made in the order flows end,
 * which is not the order they failed), in bounded memory: up to {@link #IN_MEMORY} lines are
 * kept; beyond that each batch is sorted and spilled to a temporary file (a run), and the runs
 * are merged when the lines are read. Order: group (a capture's index), then time, then key.
 */
final class TimeOrderedLines implements AutoCloseable {
    static final int IN_MEMORY = 100_000;

    private record Line(int group, long ts, String key, String text) {
    }

    private static final Comparator<Line> ORDER = Comparator.comparingInt(Line::group).thenComparingLong(Line::ts)
            .thenComparing(Line::key);

    private final int inMemory;
    private final List<Line> lines = new ArrayList<>();
    private final List<Run> runs = new ArrayList<>();

    /** A sorted run on disk and how many lines it holds. */
    private record Run(Path path, int lines) {
    }

    /** The next line of a run being merged. */
    private static final class Head {
        final DataInputStream in;
        int left;
        Line line;

        Head(DataInputStream in, int left) {
            this.in = in;
            this.left = left;
        }

        /** Reads the next line; false at the end of the run. */
        boolean advance() throws IOException {
            if (left == 0) {
                return false;
            }
            left--;
            line = new Line(in.readInt(), in.readLong(), string(in), string(in));
            return true;
        }
    }

    TimeOrderedLines() {
        this(IN_MEMORY);
    }

    TimeOrderedLines(int inMemory) {
        this.inMemory = inMemory;
    }

    void add(int group, long ts, String key, String text) throws IOException {
        lines.add(new Line(group, ts, key, text));
        if (lines.size() >= inMemory) {
            spill();
        }
    }

    /** Every line, in order; afterwards the lines are gone. */
    void drain(LineWriter out) throws IOException {
        lines.sort(ORDER);
        if (runs.isEmpty()) {
            for (Line l : lines) {
                out.line(l.group(), l.text());
            }
            lines.clear();
            return;
        }
        spill();
        List<Head> open = new ArrayList<>();
        try {
            PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing((Head h) -> h.line, ORDER));
            for (Run run : runs) {
                Head h = new Head(new DataInputStream(new BufferedInputStream(Files.newInputStream(run.path()), 1 << 16)),
                        run.lines());
                open.add(h);
                if (h.advance()) {
                    heads.add(h);
                }
            }
            while (!heads.isEmpty()) {
                Head h = heads.poll();
                out.line(h.line.group(), h.line.text());
                if (h.advance()) {
                    heads.add(h);
                }
            }
        } finally {
            for (Head h : open) {
                h.in.close();
            }
            close();
        }
    }

    /** Receives the lines in order. */
    interface LineWriter {
        void line(int group, String text) throws IOException;
    }

    private void spill() throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        lines.sort(ORDER);
        Path run = Files.createTempFile("nfe-lines-", ".run");
        run.toFile().deleteOnExit();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
            for (Line l : lines) {
                out.writeInt(l.group());
                out.writeLong(l.ts());
                bytes(out, l.key());
                bytes(out, l.text());
            }
        }
        runs.add(new Run(run, lines.size()));
        lines.clear();
    }

    private static void bytes(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (Run run : runs) {
            try {
                Files.deleteIfExists(run.path());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        runs.clear();
    }
}
