package dev.nfe.capture.testdata;

import java.util.Arrays;

/** A frame copied out of a source's buffer, for comparing readers. */
public record RecordedFrame(long number, long timestampNanos, int linkType, byte[] data, int originalLength) {

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordedFrame f && f.number == number && f.timestampNanos == timestampNanos
                && f.linkType == linkType && Arrays.equals(f.data, data) && f.originalLength == originalLength;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(number) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "frame " + number + " ts=" + timestampNanos + " linktype=" + linkType + " caplen=" + data.length
                + " len=" + originalLength;
    }
}
