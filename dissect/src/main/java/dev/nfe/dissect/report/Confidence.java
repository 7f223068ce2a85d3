package dev.nfe.dissect.report;

import java.util.Locale;

/**
 * How far a finding can be trusted given what the capture missed. A finding is about the absence
 * of something (no ServerHello before the RST, no answer at all), so a lost packet can fake it.
 */
public enum Confidence {
    /** Nothing was lost: the flow has no hole and the capture dropped nothing while it was open. */
    HIGH,
    /** The flow itself is whole, but the capture dropped packets (of some flow) while it was open. */
    MEDIUM,
    /** Bytes of this very flow are missing: what looks absent may just not have been captured. */
    LOW;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Confidence of(long flowGaps, long captureLoss) {
        return flowGaps > 0 ? LOW : captureLoss > 0 ? MEDIUM : HIGH;
    }
}
