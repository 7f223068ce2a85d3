package dev.nfe.dissect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the TLS stream decoder (record probe, record layer, handshake reassembly, every message
 * parser behind it) with one direction's bytes, cut where the fuzzer says.
 *
 * <ul>
 *   <li>{@code stream}: the bytes fed whole and fed in fuzzer-chosen pieces must give the same
 *       events in the same order (their chunk-independent keys, see {@link RecordingEvents}),
 *       the same mode and the same wantsBytes(): the decoder's split-point contract.</li>
 *   <li>{@code streamWithGaps}: pieces with capture gaps between some of them; the contract is
 *       only that nothing escapes and nothing hangs (after a gap the framing is a guess).</li>
 * </ul>
 * The input's first bytes choose the cuts, the rest is the stream, so a kept input replays
 * exactly. Any exception is a finding.
 */
class TlsStreamFuzzTest {

    @FuzzTest
    void stream(FuzzedDataProvider data) {
        int[] cuts = cuts(data);
        byte[] stream = data.consumeRemainingAsBytes();
        RecordingEvents whole = Feeding.cuts(stream, new int[0], new TlsContext(TlsLimits.DEFAULT, 0));
        RecordingEvents pieces = Feeding.cuts(stream, within(cuts, stream.length), new TlsContext(TlsLimits.DEFAULT, 0));
        assertEquals(keys(whole), keys(pieces), "events differ when the stream is cut");
        assertEquals(whole.finalMode, pieces.finalMode, "mode differs when the stream is cut");
        assertEquals(whole.finalWantsBytes, pieces.finalWantsBytes, "wantsBytes differs when the stream is cut");
    }

    @FuzzTest
    void streamWithGaps(FuzzedDataProvider data) {
        int pieces = data.consumeInt(1, 12);
        TlsStreamDecoder decoder = new TlsStreamDecoder(new TlsContext(TlsLimits.DEFAULT, 0), new RecordingEvents());
        for (int i = 0; i < pieces && data.remainingBytes() > 0; i++) {
            if (i > 0 && data.consumeBoolean()) {
                decoder.gap(data.consumeLong(1, 1L << 20), i, i * 1000L);
            }
            byte[] piece = data.consumeBytes(data.consumeInt(0, 4096));
            decoder.feed(piece, 0, piece.length, i, i * 1000L);
        }
        byte[] rest = data.consumeRemainingAsBytes();
        decoder.feed(rest, 0, rest.length, pieces, pieces * 1000L);
    }

    /** Up to 16 cut positions from the head of the input, as offsets below 64 KiB. */
    private static int[] cuts(FuzzedDataProvider data) {
        int n = data.consumeInt(0, 16);
        int[] cuts = new int[n];
        for (int i = 0; i < n; i++) {
            cuts[i] = data.consumeInt(1, 0xffff);
        }
        return cuts;
    }

    private static int[] within(int[] cuts, int length) {
        return Arrays.stream(cuts).filter(c -> c < length).sorted().distinct().toArray();
    }

    private static List<String> keys(RecordingEvents events) {
        return events.events.stream().map(RecordingEvents.Event::key).toList();
    }
}
