package dev.nfe.dissect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlaintextProtocolsTest {

    private static String line(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        PlaintextProtocols.Hint h = PlaintextProtocols.line(b, 0, Math.min(b.length, PlaintextProtocols.LINE_HEAD));
        return h == null ? null : h.protocol() + (h.strong() ? "" : "?");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "220 mx.google.com ESMTP s4si9696358qcc.63 - gsmtp\\r\\n|smtp",
        "220 jw-vm08-int-dns.webernetz.net ESMTP Postfix|smtp",
        "220 (vsFTPd 3.0.5)\\r\\n|ftp",
        "220 mail.example.org\\r\\n|smtp?",
        "EHLO client.example.org\\r\\n|smtp",
        "ehlo client\\r\\n|smtp",
        "STARTTLS\\r\\n|smtp",
        "250-STARTTLS\\r\\n|smtp?",
        "250 STARTTLS\\r\\n|smtp?",
        "AUTH TLS\\r\\n|ftp",
        "234 Proceed with negotiation.\\r\\n|ftp",
        "211-Features:\\r\\n|ftp?",
        "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\\r\\n|imap",
        ". CAPABILITY\\r\\n|imap",
        "a001 STARTTLS\\r\\n|imap",
        ". OK Begin TLS negotiation now\\r\\n|imap",
        "+OK ladymacbeth.local Cyrus POP3 v2.3.16 server ready|pop3",
        "STLS\\r\\n|pop3",
        "<?xml version='1.0'?><stream:stream|xmpp",
        "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>|xmpp",
        "CONNECT example.com:443 HTTP/1.1\\r\\n|http",
        "HTTP/1.1 400 Bad Request\\r\\n|http?"})
    void lines(String text, String expected) {
        assertEquals(expected, line(text.replace("\\r\\n", "\r\n")), text);
    }

    @ParameterizedTest
    @CsvSource({"GET / HTTP/1.1", "SSH-2.0-OpenSSH_9.2", "hello world", "250"})
    void linesThatSayNothing(String text) {
        assertNull(line(text));
    }

    @ParameterizedTest
    @CsvSource({
        "0000000804d2162f0000000000000000, postgresql",
        "0000000804d21630, postgresql",
        "4a0000000a352e372e3136004d682000, mysql",
        "200000018faa3a00ffffff0021000000, mysql",
        "301d02010177188016312e332e362e31, ldap",
        "300c02010178070a0100040004000000, ldap",
        "005a01bb83fd3d50, socks",
        "040101bb000000016664376263663762, socks",
        "05020001050100042a00145040060800, socks",
        "0500050000017f000001, socks"})
    void binaryStarts(String hex, String expected) {
        byte[] b = HexFormat.of().parseHex(hex);
        assertEquals(expected, PlaintextProtocols.binaryStart(b, Math.min(12, b.length)).protocol());
    }

    @ParameterizedTest
    @CsvSource({"474554202f20485454502f312e310d0a", "000000000000000000000000", "300c020101630000000000000000",
        "050000000000000000000000", "0502000105090004000000000000"})
    void binaryStartsThatSayNothing(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        assertNull(PlaintextProtocols.binaryStart(b, 12));
    }
}
