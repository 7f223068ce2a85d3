package dev.nfe.testsuite;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Results are a function of the input only: the same bytes for one worker or many (flows are
 * sharded by hash, output merged by capture position), and for the plain reader or libpcap.
 */
class DeterminismTest {

    /**
     * The corpus minus the damaged file and, for libpcap, the one pcapng that libpcap 1.10 cannot
     * read to the end (its interfaces have different link types; see LibpcapFileSource).
     */
    private static List<String> corpus(boolean libpcap) throws Exception {
        try (Stream<Path> s = Files.walk(Nfe.shared().resolve("corpus"))) {
            List<String> out = new ArrayList<>();
            s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                    .filter(p -> !p.toString().contains("bug-1450-05"))
                    .filter(p -> !libpcap || !p.getFileName().toString().equals("pcapng-example.pcapng"))
                    .sorted().forEach(p -> out.add(p.toString()));
            return out;
        }
    }

    private static Nfe.Run replay(boolean libpcapReadable, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("replay", "--sessions", "--format", "jsonl"));
        args.addAll(List.of(extra));
        args.add("samples/loopback/capture.pcap");
        args.addAll(corpus(libpcapReadable));
        Nfe.Run r = Nfe.run(args.toArray(new String[0]));
        assertEquals(0, r.exit(), r.stderr());
        return r;
    }

    @Test
    void sameOutputForAnyNumberOfWorkers() throws Exception {
        String one = replay(false, "--workers", "1").stdout();
        assertEquals(one, replay(false, "--workers", "3").stdout());
        assertEquals(one, replay(false, "--workers", "8").stdout());
    }

    @Test
    void libpcapReaderGivesTheSameResults() throws Exception {
        assertEquals(replay(true, "--reader", "plain").stdout(), replay(true, "--reader", "libpcap").stdout());
    }
}
