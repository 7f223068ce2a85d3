package dev.nfe.capture;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link IpAddress#parse} and {@link Endpoint#parse} read back exactly what {@code toString()}
 * writes, accept the other RFC 4291 spellings, and reject everything else without a name lookup.
 */
class AddressParsingTest {

    @Test
    void everyPrintedAddressParsesBackToItself() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            IpAddress a = i % 3 == 0 ? IpAddress.v4(r.nextInt()) : IpAddress.v6(sparse(r), sparse(r));
            assertEquals(a, IpAddress.parse(a.toString()), a.toString());
            Endpoint e = new Endpoint(a, r.nextInt(65536));
            assertEquals(e, Endpoint.parse(e.toString()), e.toString());
        }
    }

    /** 64 bits with runs of zero groups, so that "::" turns up at every position. */
    private static long sparse(Random r) {
        long v = 0;
        for (int g = 0; g < 4; g++) {
            v = (v << 16) | (r.nextInt(3) == 0 ? r.nextInt(0x10000) : r.nextInt(4) == 0 ? 1 : 0);
        }
        return v;
    }

    @Test
    void edgeAddressesRoundTrip() {
        for (String s : List.of("0.0.0.0", "255.255.255.255", "::", "::1", "1::", "2001:db8::1", "fe80::1:0:0:1",
                "1:2:3:4:5:6:7:8", "::ffff:102:304", "2001:db8:0:1:1:1:1:1", "1:0:0:2::3")) {
            assertEquals(s, IpAddress.parse(s).toString(), s);
        }
    }

    @Test
    void otherSpellingsOfTheSameAddressAreAccepted() {
        assertEquals(IpAddress.parse("2001:db8::1"), IpAddress.parse("2001:0DB8:0000:0000:0000:0000:0000:0001"));
        assertEquals(IpAddress.parse("2001:db8::1"), IpAddress.parse("2001:db8:0::0:1"));
        assertEquals(IpAddress.parse("2001:db8::1"), IpAddress.parse("2001:db8:0:0:0:0:0:1"));
        assertEquals(IpAddress.parse("1:2:3:4:5:6:7:0"), IpAddress.parse("1:2:3:4:5:6:7::"), "'::' for one group");
        assertEquals(IpAddress.parse("::ffff:102:304"), IpAddress.parse("::ffff:1.2.3.4"));
        assertEquals(IpAddress.parse("64:ff9b::c000:221"), IpAddress.parse("64:ff9b::192.0.2.33"));
        assertEquals(IpAddress.parse("1:2:3:4:5:6:102:304"), IpAddress.parse("1:2:3:4:5:6:1.2.3.4"));
    }

    @Test
    void anIpv4MappedAddressStaysIpv6() {
        // java.net.InetAddress turns it into 1.2.3.4: a dual-stack capture's endpoint would change family
        IpAddress a = IpAddress.parse("::ffff:1.2.3.4");
        assertTrue(a.v6());
        assertEquals("::ffff:102:304", a.toString());
        assertEquals(new Endpoint(a, 443), Endpoint.parse("[::ffff:102:304]:443"));
        assertFalse(IpAddress.parse("1.2.3.4").v6());
    }

    @Test
    void everythingElseIsRejected() {
        for (String s : List.of("", " ", "beef", "cafe", "localhost", "1", "10.1", "1.2.3", "1.2.3.4.5", "256.1.1.1",
                "01.2.3.4", "1.2.3.04", "1.2.3.", ".1.2.3", "1..2.3", "0x7f.0.0.1", "1.2.3.4 ", " 1.2.3.4",
                "１.２.３.４", ":", ":::", "1:::2", "1::2::3", ":1", "1:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
                "::1:2:3:4:5:6:7:8", "12345::", "g::", "::1.2.3", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4",
                "fe80::1%eth0", "[::1]", "::-1", "+1.2.3.4")) {
            assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(s), "'" + s + "'");
        }
    }

    @Test
    void endpointsNeedTheirCanonicalShape() {
        assertEquals(new Endpoint(IpAddress.parse("10.0.0.7"), 51234), Endpoint.parse("10.0.0.7:51234"));
        assertEquals(new Endpoint(IpAddress.parse("2001:db8::1"), 443), Endpoint.parse("[2001:db8::1]:443"));
        assertEquals(0, Endpoint.parse("1.2.3.4:0").port());
        assertEquals(65535, Endpoint.parse("1.2.3.4:65535").port());
        for (String s : List.of("", ":80", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:99999", "1.2.3.4:123456",
                "1.2.3.4:+80", "1.2.3.4:-1", "1.2.3.4:080", "1.2.3.4: 80", "1.2.3.4:8O", "2001:db8::1:443",
                "[2001:db8::1]", "[2001:db8::1]:", "[1.2.3.4]:80", "[]:80", "[::1:80", "::1]:80", "[::1]x:80",
                "beef:80", "[beef]:80", "host.example:443")) {
            assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(s), "'" + s + "'");
        }
    }
}
