package dev.nfe.dissect;

import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

/**
 * Where a dissector puts its results. A finding always follows its session immediately.
 * Called on the dissector's thread.
 */
public interface DissectorOutput {
    void session(SessionRecord session);

    void finding(Finding finding);
}
