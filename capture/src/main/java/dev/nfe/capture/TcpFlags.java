package dev.nfe.capture;

/** TCP header flag bits (RFC 9293 section 3.1; NS/AE from RFC 3540). */
public final class TcpFlags {
    public static final int FIN = 0x001;
    public static final int SYN = 0x002;
    public static final int RST = 0x004;
    public static final int PSH = 0x008;
    public static final int ACK = 0x010;
    public static final int URG = 0x020;
    public static final int ECE = 0x040;
    public static final int CWR = 0x080;
    public static final int AE = 0x100;

    private TcpFlags() {
    }

    public static boolean has(int flags, int bit) {
        return (flags & bit) != 0;
    }

    /** Compact form like tcpdump's: "S", "S.", "P.", "R.", "F.". */
    public static String describe(int flags) {
        StringBuilder sb = new StringBuilder(6);
        if (has(flags, SYN)) {
            sb.append('S');
        }
        if (has(flags, FIN)) {
            sb.append('F');
        }
        if (has(flags, RST)) {
            sb.append('R');
        }
        if (has(flags, PSH)) {
            sb.append('P');
        }
        if (has(flags, URG)) {
            sb.append('U');
        }
        if (has(flags, ACK)) {
            sb.append('.');
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
