package dev.nfe.pipeline.evidence;

import java.util.ArrayList;
import java.util.List;

/**
 * The comments ({@code opt_comment}, Wireshark's {@code frame.comment}) an evidence frame carries,
 * worded once for both ways the files are made: replay's second pass ({@link FramePass}) and the
 * live agent's frame store ({@link LiveEvidenceSink}). A ClientHello, RST or the reaction that
 * decided a failing connection names its finding; the hello of the connection shown for comparison
 * says it is one; the first frame after a gap the per-connection cap left says how many are missing.
 */
final class FrameComments {
    private FrameComments() {
    }

    /**
     * @param c        the connection the frame belongs to
     * @param number   the frame's number (as the dissector numbered it)
     * @param rst      whether the frame is a TCP RST
     * @param fin      whether it is a FIN
     * @param skipped  frames of this connection left out just before this one
     * @param capRule  the cap that left them out, for a person ("at most 1000 per connection: ...")
     */
    static List<String> of(Connection c, long number, boolean rst, boolean fin, long skipped, String capRule) {
        boolean hello = number == c.helloFrame();
        boolean reaction = c.reactionFrames().contains(number);
        List<String> comments = new ArrayList<>(2);
        if (skipped > 0) {
            comments.add("nfe: " + skipped + " frames of this connection left out just before this one (" + capRule + ")");
        }
        if (c.failure() && (hello || rst || reaction)) {
            String role = hello ? "ClientHello" : rst ? "RST" : fin ? "FIN" : "the reaction";
            comments.add("nfe finding " + c.findingId() + " " + c.kind().name() + " (" + role + "): " + c.summary());
        } else if (!c.failure() && hello) {
            comments.add("nfe: a completed handshake at the same server, for comparison (no failure): " + c.client()
                    + " -> " + c.server());
        }
        return comments;
    }

    /** Whether a frame is always kept whatever the cap: the hello, a RST, or the finding's reaction. */
    static boolean essential(Connection c, long number, boolean rst) {
        return number == c.helloFrame() || rst || c.reactionFrames().contains(number);
    }
}
