package dev.nfe.pipeline.report;

import dev.nfe.dissect.finding.OutcomeMeaning;
import dev.nfe.dissect.report.FindingKind;

/**
 * The colour of each finding kind in the timelines and legends: resets in reds and purples,
 * closes in browns and pinks, refusals in blues, silence dark. Exhaustive: a new kind must get one.
 */
final class KindStyle {
    private KindStyle() {
    }

    static String color(FindingKind k) {
        return switch (k) {
            case RESET_AFTER_CLIENT_HELLO -> "#d62728";
            case RESET_DURING_HANDSHAKE -> "#ff7f0e";
            case RESET_AFTER_HANDSHAKE -> "#9467bd";
            case CLOSED_AFTER_CLIENT_HELLO -> "#8c564b";
            case CLOSED_DURING_HANDSHAKE -> "#e377c2";
            case CLOSED_AFTER_HANDSHAKE -> "#bcbd22";
            case SERVER_ALERT -> "#1f77b4";
            case CLIENT_ALERT -> "#17becf";
            case NON_TLS_RESPONSE -> "#7f7f7f";
            case NO_SERVER_RESPONSE -> "#393b79";
            case CONNECTION_REFUSED -> "#637939";
            case INDETERMINATE -> "#c7c7c7";
        };
    }

    /** "reset right after the ClientHello". */
    static String label(FindingKind k) {
        return OutcomeMeaning.shortly(k);
    }

    /** A coloured dot and the kind's name, for legends and lists. */
    static String dot(FindingKind k) {
        return "<span class=\"dot\" style=\"background:" + color(k) + "\"></span>";
    }
}
