package dev.nfe.dissect.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nfe.capture.Endpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The published Community ID v1 test vectors (github.com/corelight/community-id-spec,
 * {@code baseline/README.md} tables and {@code baseline/baseline_deflt.json} /
 * {@code baseline_seed1.json}), for the port-carrying protocols, in both directions.
 */
class CommunityIdTest {

    @ParameterizedTest(name = "{0} {1} <-> {2} seed 0")
    @CsvSource({
        "6,   1.2.3.4:1122,                                  5.6.7.8:3344,                    1:wCb3OG7yAFWelaUydu0D+125CLM=, 1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=",
        "17,  1.2.3.4:1122,                                  5.6.7.8:3344,                    1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=, 1:OShq+iKDAMVouh/4bMxB9Sz4amw=",
        "132, 1.2.3.4:1122,                                  5.6.7.8:3344,                    1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=, 1:uitchpn5MMGAQKBJh7bIr/bAr7s=",
        "6,   [2001:470:e5bf:dead:4957:2174:e82c:4887]:63943, [2607:f8b0:400c:c03::1a]:25,     1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=, 1:eJYTW6AOzFLlSUoESovMjnu7rMw=",
        "132, 192.168.170.8:7,                               192.168.170.56:7,                1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=, 1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=",
        "6,   128.232.110.120:34855,                         66.35.250.204:80,                1:LQU9qZlK+B5F3KDmev6m5PMibrg=, 1:3V71V58M3Ksw/yuFALMcW0LAHvc=",
        "17,  192.168.1.52:54585,                            8.8.8.8:53,                      1:d/FP5EW3wiY1vCndhwleRRKHowQ=, 1:Q9We8WO3piVF8yEQBNJF4uiSVrI=",
    })
    void specBaseline(int proto, String a, String b, String seed0, String seed1) {
        Endpoint x = Endpoint.parse(a);
        Endpoint y = Endpoint.parse(b);
        assertEquals(seed0, CommunityId.v1(x, y, proto, 0));
        assertEquals(seed0, CommunityId.v1(y, x, proto, 0));
        assertEquals(seed1, CommunityId.v1(x, y, proto, 1));
        assertEquals(seed1, CommunityId.v1(y, x, proto, 1));
    }

    @Test
    void instanceReusesItsDigestWithoutCarryingState() {
        CommunityId ids = new CommunityId(0);
        Endpoint v6a = Endpoint.parse("[2001:470:e5bf:dead:4957:2174:e82c:4887]:63943");
        Endpoint v6b = Endpoint.parse("[2607:f8b0:400c:c03::1a]:25");
        Endpoint v4a = Endpoint.parse("1.2.3.4:1122");
        Endpoint v4b = Endpoint.parse("5.6.7.8:3344");
        for (int i = 0; i < 3; i++) {
            assertEquals("1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=", ids.of(v6a, v6b, 6));
            assertEquals("1:wCb3OG7yAFWelaUydu0D+125CLM=", ids.of(v4b, v4a, 6));
        }
        assertEquals(0, ids.seed());
    }

    @Test
    void sameAddressThePortsDecide() {
        Endpoint a = Endpoint.parse("10.0.0.1:80");
        Endpoint b = Endpoint.parse("10.0.0.1:1234");
        assertEquals(CommunityId.v1(a, b, 6, 0), CommunityId.v1(b, a, 6, 0));
    }

    @Test
    void rejectsWhatItCannotHash() {
        Endpoint v4 = Endpoint.parse("1.2.3.4:1");
        Endpoint v6 = Endpoint.parse("[::1]:2");
        assertThrows(IllegalArgumentException.class, () -> CommunityId.v1(v4, v6, 6, 0));
        assertThrows(IllegalArgumentException.class, () -> CommunityId.v1(v4, v4, 1, 0)); // ICMP needs type/code
        assertThrows(IllegalArgumentException.class, () -> CommunityId.v1(v4, v4, 6, 0x10000));
        assertThrows(IllegalArgumentException.class, () -> new CommunityId(-1));
    }

    @Test
    void idIsTheStandardBase64OfTheDigestEveryByteValueInEveryPlace() {
        // the id is encoded by hand (one allocation per session): it must be java.util.Base64's
        java.util.Random random = new java.util.Random(20);
        for (int run = 0; run < 2000; run++) {
            byte[] digest = new byte[20];
            if (run < 256) {
                java.util.Arrays.fill(digest, (byte) run);
            } else {
                random.nextBytes(digest);
            }
            assertEquals("1:" + java.util.Base64.getEncoder().encodeToString(digest), CommunityId.id(digest));
        }
    }
}
