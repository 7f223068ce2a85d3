package dev.nfe.capture.decode;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.capture.testdata.Corpus;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Zero-copy payloads: with the file readers' stable buffers, segments keep views of the read
 * buffer. Kept until the whole file has been read (hundreds of refills of a small buffer), they
 * must still hold exactly the bytes a copying decoder saw.
 */
class SharedPayloadTest {

    private static List<TcpSegment> read(Path p, boolean share) throws Exception {
        List<TcpSegment> out = new ArrayList<>();
        try (FrameSource src = CaptureFiles.open(p, 4096)) {
            assertTrue(src.stableBuffers());
            SegmentDecoder d = new SegmentDecoder(out::add, SegmentDecoder.DEFAULT_MAX_TUNNEL_DEPTH, new DecodeStats(),
                    share);
            while (src.next(d)) {
                // keep every segment
            }
        }
        return out;
    }

    @Test
    void viewsStayIntactAfterTheWholeFileWasRead() throws Exception {
        for (String name : new String[] {"ntop+nDPI/tests/cfgs/default/pcap/alexa-app.pcapng",
                "seladb+PcapPlusPlus/Tests/ExamplesTest/pcap_examples/tls2.pcap"}) {
            Path p = Corpus.capture(name);
            List<TcpSegment> copied = read(p, false);
            List<TcpSegment> shared = read(p, true);
            assertEquals(copied.size(), shared.size());
            assertTrue(copied.size() > 2000, name + ": " + copied.size());
            for (int i = 0; i < copied.size(); i++) {
                assertEquals(copied.get(i), shared.get(i), name + " segment " + i);
            }
        }
    }
}
