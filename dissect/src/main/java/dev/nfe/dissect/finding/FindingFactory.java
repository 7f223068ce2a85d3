package dev.nfe.dissect.finding;

import dev.nfe.dissect.classify.Step;
import dev.nfe.dissect.classify.VersionNames;
import dev.nfe.dissect.classify.Verdict;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.Confidence;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.RstEvidence;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.dissect.report.Severity;
import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.report.ClientHello;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Makes the {@link Finding} of a failed session: severity, a deterministic id, the evidence
 * frames, and one line a person can act on.
 */
public final class FindingFactory {
    public FindingFactory() {
    }

    /** The finding for {@code s}, or null when its outcome is not a failure. */
    public Finding create(SessionRecord s, Verdict v) {
        Outcome o = s.outcome();
        if (!o.failure()) {
            return null;
        }
        long ts = v.reaction() != null ? v.reaction().tsNanos()
                : s.clientHello() != null ? s.clientHello().tsNanos() : s.firstTsNanos();
        List<Long> frames = new ArrayList<>(3);
        if (v.hello() != null && v.hello().frame() > 0) {
            frames.add(v.hello().frame());
        }
        if (v.reaction() != null && v.reaction().frame() > 0 && !frames.contains(v.reaction().frame())) {
            frames.add(v.reaction().frame());
        }
        return new Finding(id(s), o, severity(s), ts, s.capture(), s.client(), s.server(), s.sni(), s.flowId(),
                s.reason(), summary(s, v), frames, Confidence.of(s.gaps(), s.captureLoss()), s.captureLoss());
    }

    /**
     * Same connection (flow id or endpoints, and first timestamp) and same verdict: same id, in
     * every run. 80 bits from two independent 64-bit hashes of that key: ids only need to be
     * stable and not collide by accident (the flow id is already a SHA-1), and a third digest
     * per failure would cost more than the rest of the finding.
     */
    static String id(SessionRecord s) {
        String key = (s.flowId() != null ? s.flowId() : s.client() + ">" + s.server()) + "|" + s.firstTsNanos()
                + "|" + s.outcome().code();
        long a = 0xcbf29ce484222325L; // FNV-1a 64
        long b = 0x9e3779b97f4a7c15L;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            a = (a ^ c) * 0x100000001b3L;
            b = Long.rotateLeft(b ^ (c * 0xff51afd7ed558ccdL), 31) * 0xc4ceb9fe1a85ec53L;
        }
        b ^= b >>> 33;
        char[] out = new char[20];
        for (int i = 0; i < 16; i++) {
            out[i] = Character.forDigit((int) (a >>> (60 - 4 * i)) & 0xf, 16);
        }
        for (int i = 0; i < 4; i++) {
            out[16 + i] = Character.forDigit((int) (b >>> (60 - 4 * i)) & 0xf, 16);
        }
        return new String(out);
    }

    static Severity severity(SessionRecord s) {
        return switch (s.outcome()) {
            case RESET_AFTER_CLIENT_HELLO -> s.rst() != null && s.rst().by() == Role.SERVER && !s.rst().injectedSuspect()
                    ? Severity.HIGH : Severity.MEDIUM;
            case CLOSED_AFTER_CLIENT_HELLO, NO_SERVER_RESPONSE -> Severity.HIGH;
            case SERVER_ALERT, NON_TLS_RESPONSE, RESET_DURING_HANDSHAKE, CLOSED_DURING_HANDSHAKE, CONNECTION_REFUSED ->
                    Severity.MEDIUM;
            default -> Severity.LOW;
        };
    }

    static String summary(SessionRecord s, Verdict v) {
        String hello = helloPhrase(s.clientHello());
        String after = v.reaction() != null && v.hello() != null
                ? " " + duration(v.reaction().tsNanos() - v.hello().tsNanos()) + " after the ClientHello" : "";
        String frames = frames(v);
        return switch (s.outcome()) {
            case RESET_AFTER_CLIENT_HELLO -> resetPhrase(s) + after + " " + hello + rstPhrase(s.rst()) + frames;
            case CLOSED_AFTER_CLIENT_HELLO -> "server " + s.server() + " closed (FIN) the connection from " + s.client()
                    + after + " without a TLS byte " + hello + frames;
            case SERVER_ALERT -> "server " + s.server() + " answered " + s.client() + " with alert "
                    + alertPhrase(v.reaction()) + after + " " + hello + frames;
            case CLIENT_ALERT -> "client " + s.client() + " aborted the handshake with " + s.server() + " with alert "
                    + alertPhrase(v.reaction()) + after + " " + hello + frames;
            case NON_TLS_RESPONSE -> "server " + s.server() + " answered " + s.client() + " with non-TLS bytes"
                    + plaintextPhrase(v.reaction()) + after + " " + hello + frames;
            case NO_SERVER_RESPONSE -> "server " + s.server() + " never answered " + s.client() + "'s ClientHello "
                    + hello + (v.reaction() != null ? "; the client gave up" + after : "; nothing came back before the flow ended")
                    + frames;
            case RESET_DURING_HANDSHAKE -> "handshake " + s.client() + " -> " + s.server() + " reset by the "
                    + (s.reason().endsWith("server") ? "server" : "client") + after + " " + hello + rstPhrase(s.rst())
                    + frames;
            case CLOSED_DURING_HANDSHAKE -> "handshake " + s.client() + " -> " + s.server() + " closed (FIN) by the "
                    + (s.reason().endsWith("server") ? "server" : "client") + " before it completed" + after + " "
                    + hello + frames;
            case CONNECTION_REFUSED -> "server " + s.server() + " refused the connection from " + s.client()
                    + " (RST to SYN)" + frames;
            default -> "no verdict for " + s.client() + " -> " + s.server() + ": " + s.reason().replace('_', ' ')
                    + " " + hello + frames;
        };
    }

    private static String resetPhrase(SessionRecord s) {
        if (s.rst() != null && s.rst().by() == Role.CLIENT) {
            return "client " + s.client() + " (or something in its name) reset the connection to " + s.server();
        }
        return "server " + s.server() + " reset " + s.client();
    }

    private static String rstPhrase(RstEvidence r) {
        if (r == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder("; RST TTL ").append(r.ttl());
        if (r.senderTtl() != null) {
            sb.append(r.injectedSuspect() ? " differs from the " : " matches the ")
                    .append(r.by().wireName()).append("'s ").append(r.senderTtl());
            sb.append(r.injectedSuspect() ? " (likely injected by a middlebox)" : " (sent by the " + r.by().wireName() + " host)");
        }
        if (r.by() == Role.SERVER) {
            sb.append(r.clientHelloAcked() ? ", hello was ACKed" : ", hello not ACKed");
        }
        return sb.toString();
    }

    private static String helloPhrase(ClientHelloInfo info) {
        if (info == null) {
            return "";
        }
        ClientHello h = info.hello();
        StringBuilder sb = new StringBuilder("(");
        if (h.sslv2Format()) {
            sb.append("SSLv2-format hello offering ").append(VersionNames.display(h.handshakeVersion()));
        } else {
            sb.append(VersionNames.display(h.highestOfferedVersion())).append(" hello");
        }
        sb.append(", ").append(h.cipherSuites().size()).append(" ciphers");
        sb.append(h.sni() != null ? ", SNI " + h.sni() : ", no SNI");
        if (info.ja4() != null) {
            sb.append(", JA4 ").append(info.ja4());
        }
        return sb.append(')').toString();
    }

    private static String alertPhrase(Step reaction) {
        if (reaction == null || !(reaction.data() instanceof Alert a) || a.encrypted()) {
            return "(encrypted; inferred from the record size)";
        }
        String level = a.level() == 2 ? "fatal" : a.level() == 1 ? "warning" : "level " + a.level();
        return (a.name() != null ? a.name() : "unknown") + " (" + a.description() + ", " + level + ")";
    }

    private static String plaintextPhrase(Step reaction) {
        if (reaction == null || !(reaction.data() instanceof byte[] b)) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" \"");
        int n = Math.min(b.length, 16);
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            if (c == '\r' || c == '\n') {
                break;
            }
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        return sb.append('"').toString();
    }

    private static String frames(Verdict v) {
        StringBuilder sb = new StringBuilder();
        if (v.hello() != null && v.hello().frame() > 0) {
            sb.append("hello ").append(v.hello().frame());
        }
        if (v.reaction() != null && v.reaction().frame() > 0) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(v.reaction().kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(' ')
                    .append(v.reaction().frame());
        }
        return sb.length() == 0 ? "" : "; frames: " + sb;
    }

    /** "0.31 ms", "12.5 ms", "2.00 s" (no String.format: it costs more than the finding). */
    public static String duration(long nanos) {
        if (nanos < 0) {
            nanos = 0;
        }
        if (nanos < 10_000_000L) {
            return fixed(nanos / 10_000L, 2) + " ms";
        }
        if (nanos < 1_000_000_000L) {
            return fixed(nanos / 100_000L, 1) + " ms";
        }
        return fixed(nanos / 10_000_000L, 2) + " s";
    }

    /** {@code scaled} with {@code decimals} implied decimal places: fixed(31, 2) = "0.31". */
    private static String fixed(long scaled, int decimals) {
        long div = decimals == 1 ? 10 : 100;
        String frac = Long.toString(scaled % div);
        while (frac.length() < decimals) {
            frac = "0" + frac;
        }
        return (scaled / div) + "." + frac;
    }
}
