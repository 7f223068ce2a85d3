package dev.nfe.dissect.finding;

import dev.nfe.dissect.classify.Step;
import dev.nfe.dissect.classify.Verdict;
import dev.nfe.dissect.report.Confidence;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.dissect.report.SessionRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes the {@link Finding} of a failed session, or of a completed handshake the server dropped
 * afterwards: a deterministic id and the evidence frames; its severity and sentence are what
 * {@link OutcomeMeaning} says the kind means.
 */
public final class FindingFactory {
    public FindingFactory() {
    }

    /**
     * The finding for {@code s}: of its failure outcome, or RESET_AFTER_HANDSHAKE /
     * CLOSED_AFTER_HANDSHAKE when the server dropped a completed handshake; else null.
     */
    public Finding create(SessionRecord s, Verdict v) {
        FindingKind kind = FindingKind.of(s.outcome());
        Step reaction = v.reaction();
        if (kind == null) {
            if (v.abort() != null && v.abort().unannounced()) {
                kind = FindingKind.RESET_AFTER_HANDSHAKE;
                reaction = v.abort().step();
            } else if (v.abruptClose() != null && v.abruptClose().unanswered()) {
                kind = FindingKind.CLOSED_AFTER_HANDSHAKE;
                reaction = v.abruptClose().step();
            } else {
                return null;
            }
        }
        long ts = reaction != null ? reaction.tsNanos()
                : s.clientHello() != null ? s.clientHello().tsNanos() : s.firstTsNanos();
        List<Long> frames = new ArrayList<>(3);
        if (v.hello() != null && v.hello().frame() > 0) {
            frames.add(v.hello().frame());
        }
        if (reaction != null && reaction.frame() > 0 && !frames.contains(reaction.frame())) {
            frames.add(reaction.frame());
        }
        return new Finding(id(s, kind), kind, OutcomeMeaning.severity(kind, s), ts, s.capture(), s.client(), s.server(),
                s.sni(), s.flowId(), OutcomeMeaning.reason(kind, s), OutcomeMeaning.sentence(kind, s, v, reaction), frames, Confidence.of(s.gaps(), s.captureLoss()), s.captureLoss());
    }

    /**
     * Same connection (flow id or endpoints, and first timestamp) and same verdict: same id, in
     * every run. 80 bits from two independent 64-bit hashes of that key: ids only need to be
     * stable and not collide by accident (the flow id is already a SHA-1), and a third digest
     * per failure would cost more than the rest of the finding. Public for readers of the
     * committed sessions, which find a session's finding by it.
     */
    public static String id(SessionRecord s, FindingKind kind) {
        String key = (s.flowId() != null ? s.flowId() : s.client() + ">" + s.server()) + "|" + s.firstTsNanos()
                + "|" + kind.code();
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
}
