package dev.nfe.testsuite;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The systemd units in deploy/systemd: the privileges README.md promises, the two agent units
 * kept alike, every variable they use documented in the example settings, and systemd's own
 * check ({@code systemd-analyze verify}, in a scratch root with a stand-in /opt/nfe/bin/nfe).
 */
class DeploySystemdTest {
    private static final Path DIR = Nfe.root().resolve("deploy/systemd");
    private static final List<String> UNITS = List.of("nfe-agent.service", "nfe-agent@.service", "nfe-dissect.service");

    private static List<String> serviceSection(String unit) throws IOException {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(DIR.resolve(unit), StandardCharsets.UTF_8)) {
            if (line.startsWith("[")) {
                in = line.equals("[Service]");
            } else if (in && !line.isBlank() && !line.startsWith("#")) {
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void theAgentGetsTwoCapabilitiesAndTheDissectorNone() throws IOException {
        for (String agent : List.of("nfe-agent.service", "nfe-agent@.service")) {
            List<String> s = serviceSection(agent);
            assertTrue(s.contains("User=nfe") && s.contains("Group=nfe"), agent);
            assertTrue(s.contains("AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN"), agent);
            assertTrue(s.contains("CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN"), agent);
            assertTrue(s.contains("NoNewPrivileges=yes"), agent);
            assertTrue(s.stream().anyMatch(l -> l.startsWith("RestrictAddressFamilies=")
                    && Set.of(l.substring(l.indexOf('=') + 1).split(" ")).containsAll(
                            Set.of("AF_PACKET", "AF_NETLINK", "AF_INET", "AF_INET6", "AF_UNIX"))), agent);
        }
        List<String> d = serviceSection("nfe-dissect.service");
        assertTrue(d.contains("User=nfe") && d.contains("NoNewPrivileges=yes"));
        assertTrue(d.contains("AmbientCapabilities=") && d.contains("CapabilityBoundingSet="), d.toString());
        assertFalse(d.stream().anyMatch(l -> l.contains("AF_PACKET") || l.contains("CAP_")), d.toString());
        for (String unit : UNITS) {
            List<String> s = serviceSection(unit);
            for (String required : List.of("ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                    "Restart=on-failure", "KillSignal=SIGTERM")) {
                assertTrue(s.contains(required), unit + " lacks " + required);
            }
            assertTrue(s.stream().anyMatch(l -> l.startsWith("MemoryMax=")), unit);
            assertTrue(s.stream().anyMatch(l -> l.startsWith("TimeoutStopSec=")), unit);
        }
    }

    @Test
    void bothAgentUnitsRunTheSameSandbox() throws IOException {
        List<String> one = serviceSection("nfe-agent@.service");
        List<String> all = serviceSection("nfe-agent.service");
        // they differ in where the interfaces come from; from KillSignal= on they are the same
        assertEquals(one.subList(indexOf(one, "KillSignal="), one.size()), all.subList(indexOf(all, "KillSignal="), all.size()));
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no " + prefix + " in " + lines);
    }

    @Test
    void everyVariableAUnitUsesIsInItsExampleSettings() throws IOException {
        Pattern var = Pattern.compile("\\$\\{?(NFE_[A-Z_]+)");
        for (String unit : UNITS) {
            String example = Files.readString(DIR.resolve(unit.startsWith("nfe-agent") ? "agent.env" : "dissect.env"));
            for (String line : serviceSection(unit)) {
                if (!line.startsWith("ExecStart=")) {
                    continue;
                }
                Matcher m = var.matcher(line);
                while (m.find()) {
                    assertTrue(example.contains(m.group(1) + "="), unit + " uses " + m.group(1) + ", not in the example");
                }
            }
        }
    }

    @Test
    void systemdAcceptsTheUnits() throws Exception {
        Path analyze = Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(analyze != null, "systemd-analyze is not installed (package systemd)");
        Path root = Files.createTempDirectory("nfe-systemd-root");
        try {
            // a scratch root: the system's own units (targets the [Install] and default
            // dependencies name), ours where the install script puts them, and an executable
            // /opt/nfe/bin/nfe, which verify insists on
            copyTree(Path.of("/usr/lib/systemd/system"), root.resolve("usr/lib/systemd/system"));
            Path units = Files.createDirectories(root.resolve("usr/local/lib/systemd/system"));
            for (String u : UNITS) {
                Files.copy(DIR.resolve(u), units.resolve(u));
            }
            Path nfe = Files.createDirectories(root.resolve("opt/nfe/bin")).resolve("nfe");
            Files.writeString(nfe, "#!/bin/sh\n");
            assertTrue(nfe.toFile().setExecutable(true));
            Nfe.Run r = Nfe.exec(List.of(analyze.toString(), "verify", "--man=no", "--root=" + root,
                    "nfe-agent.service", "nfe-agent@eth0.service", "nfe-dissect.service"), 60);
            assertEquals(0, r.exit(), r.stdout() + r.stderr());
            assertEquals("", r.stdout() + r.stderr(), "systemd-analyze verify has remarks");
        } finally {
            try (Stream<Path> all = Files.walk(root)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
