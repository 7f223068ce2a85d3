package dev.nfe.pipeline.replay;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.NotACaptureException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that every input is a readable capture before anything is processed (replayed or
 * published), so that a typo fails fast instead of after an hour of work.
 */
public final class CaptureInputs {
    private CaptureInputs() {
    }

    /** One line per problem; empty when every input opens as a capture. */
    public static List<String> problems(CaptureOpener opener, List<String> captures) {
        List<String> problems = new ArrayList<>();
        for (String c : captures) {
            Path p = Path.of(c);
            if (!Files.isRegularFile(p)) {
                problems.add(c + ": no such file");
                continue;
            }
            try (FrameSource ignored = opener.open(p)) {
                // opening reads and checks the header
            } catch (NotACaptureException e) {
                problems.add(e.getMessage().contains(c) ? e.getMessage() : c + ": " + e.getMessage());
            } catch (CaptureDamagedException e) {
                // a damaged header still counts as a capture; the run reports the damage
            } catch (IOException e) {
                problems.add(c + ": cannot read: " + e.getMessage());
            }
        }
        return problems;
    }

    /** The one-line error for a capture damaged part way: file, byte offset, frames read before it. */
    public static String damaged(String capture, CaptureDamagedException e) {
        return capture + ": damaged at byte " + e.byteOffset() + " after " + e.framesRead() + " frames: " + e.getMessage();
    }
}
