package dev.nfe.dissect.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JA3 / JA3S rules on edited real hellos and the example of the JA3 README. */
class Ja3Test {
    private static final ClientHello CHROME =
            CorpusFixtures.firstClientHello("FoxIO-LLC+ja4/pcap/tls3.pcapng", Endpoint.parse("192.168.1.169:63248"));

    /** The example string and hash of github.com/salesforce/ja3 README. */
    @Test
    void readmeExample() {
        HelloBuilder b = new HelloBuilder(CHROME);
        b.handshakeVersion = 769;
        b.ciphers = List.of(47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4);
        b.extensions = List.of(0, 10, 11);
        b.groups = List.of(23, 24, 25);
        b.pointFormats = List.of(0);
        Ja3 ja3 = Ja3.of(b.build());
        assertEquals("769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0", ja3.full());
        assertEquals("ada70206e40642a3e4461f35503241d5", ja3.hash());
    }

    @Test
    void greaseIsDroppedFromEveryList() {
        // Chrome's hello has GREASE cipher, two GREASE extensions and a GREASE group; tshark agrees
        assertEquals("771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
                + "35-51-65281-10-18-5-23-17513-0-27-13-45-11-43-16-21,29-23-24,0", Ja3.of(CHROME).full());
        assertEquals("b4c783785c9d8ca60b7713f36e48c407", Ja3.of(CHROME).hash());
    }

    @Test
    void emptyListsKeepTheirCommas() {
        HelloBuilder b = new HelloBuilder(CHROME);
        b.handshakeVersion = 0x0301;
        b.ciphers = List.of(0x002f, 0x0035);
        for (int t : List.copyOf(b.extensions)) {
            b.without(t);
        }
        assertEquals("769,47-53,,,", Ja3.of(b.build()).full());
    }

    @Test
    void sslv2FormatHelloHasNoJa3() {
        ClientHello v2 = CorpusFixtures.firstClientHello("OISF+suricata-verify/tests/sslv2-tls-upgrade-01/ssl-v2-s1.pcap",
                Endpoint.parse("10.150.98.145:1660"));
        assertNull(Ja3.of(v2));
    }

    @Test
    void ja3sUsesLegacyVersionNotSupportedVersions() {
        // TLS 1.3 ServerHello from the same capture: legacy_version 0x0303, supported_versions 0x0304
        ServerHello sh = new ServerHello(false, 0x0303, 0x0303, 0x0304, 0x1301, 0, List.of(0x002b, 0x0033), null, false);
        assertEquals("771,4865,43-51", Ja3s.of(sh).full());
        assertEquals("f4febc55ea12b31ae17cfb7e614afda8", Ja3s.of(sh).hash()); // tshark's value for frame 65
        ServerHello noExtensions = new ServerHello(false, 0x0301, 0x0301, 0x0301, 0x0005, 0, List.of(), null, false);
        assertEquals("769,5,", Ja3s.of(noExtensions).full());
        assertNull(Ja3s.of(new ServerHello(true, -1, 0x0002, 0x0002, 0x010080, -1, List.of(), null, false)));
    }
}
