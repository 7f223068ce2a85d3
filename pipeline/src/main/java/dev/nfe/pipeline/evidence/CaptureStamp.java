package dev.nfe.pipeline.evidence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * A capture file's size and modification time, taken before the first pass. The evidence is cut
 * from the file in a second pass, by frame number: if the file changed in between (a capture still
 * being written, a file replaced), its frame numbers may no longer mean the same frames, so the
 * evidence is refused rather than cut wrong.
 */
record CaptureStamp(String capture, long size, FileTime modified) {

    static CaptureStamp of(String capture) throws IOException {
        Path p = Path.of(capture);
        return new CaptureStamp(capture, Files.size(p), Files.getLastModifiedTime(p));
    }

    /** Null when the file is as it was; else what changed, for a person. */
    String changed() {
        CaptureStamp now;
        try {
            now = of(capture);
        } catch (IOException e) {
            return capture + " cannot be read again: " + e.getMessage();
        }
        if (now.size != size) {
            return capture + " changed between the passes (size " + size + " -> " + now.size + " bytes)";
        }
        if (!now.modified.equals(modified)) {
            return capture + " changed between the passes (modified " + modified + " -> " + now.modified + ")";
        }
        return null;
    }
}
