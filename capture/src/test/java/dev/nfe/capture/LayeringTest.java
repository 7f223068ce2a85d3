package dev.nfe.capture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rules the compiler does not check: pcap4j stays in its adapter package; no console output. */
class LayeringTest {

    @Test
    void onlyThePcap4jPackageUsesPcap4jAndNothingPrints() throws IOException {
        Path main = Path.of(System.getProperty("nfe.root", "..")).resolve("capture/src/main/java/dev/nfe/capture");
        assertTrue(Files.isDirectory(main), "sources not found at " + main);
        List<Path> sources;
        try (Stream<Path> files = Files.walk(main)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        assertTrue(sources.size() > 20);
        List<String> problems = new java.util.ArrayList<>();
        for (Path p : sources) {
            String text = Files.readString(p);
            boolean adapter = main.relativize(p).startsWith("pcap4j");
            if (!adapter && text.contains("org.pcap4j")) {
                problems.add(main.relativize(p) + " uses pcap4j outside dev.nfe.capture.pcap4j");
            }
            if (text.contains("System.out") || text.contains("System.err") || text.contains("printStackTrace")) {
                problems.add(main.relativize(p) + " prints to the console");
            }
        }
        assertEquals(List.of(), problems);
    }
}
