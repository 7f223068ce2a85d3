package dev.nfe.dissect.classify;

/** Short human names of SSL/TLS protocol versions, for reasons and summaries. */
public final class VersionNames {
    private VersionNames() {
    }

    /** "tls13", "tls12", "ssl3", "sslv2", "tls13_draft28", or "0x7e01". */
    public static String shortName(int version, boolean sslv2) {
        if (sslv2 && version == 0x0002) {
            return "sslv2";
        }
        return switch (version) {
            case 0x0002 -> "sslv2";
            case 0x0300 -> "ssl3";
            case 0x0301 -> "tls10";
            case 0x0302 -> "tls11";
            case 0x0303 -> "tls12";
            case 0x0304 -> "tls13";
            default -> (version >>> 8) == 0x7f ? "tls13_draft" + (version & 0xff) : String.format("0x%04x", version);
        };
    }

    /** "TLS 1.3", "SSLv3", "SSLv2", "TLS 1.3 draft 28". */
    public static String display(int version) {
        return switch (version) {
            case 0x0002 -> "SSLv2";
            case 0x0300 -> "SSLv3";
            case 0x0301 -> "TLS 1.0";
            case 0x0302 -> "TLS 1.1";
            case 0x0303 -> "TLS 1.2";
            case 0x0304 -> "TLS 1.3";
            default -> (version >>> 8) == 0x7f ? "TLS 1.3 draft " + (version & 0xff) : String.format("0x%04x", version);
        };
    }
}
