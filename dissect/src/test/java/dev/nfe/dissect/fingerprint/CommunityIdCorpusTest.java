package dev.nfe.dissect.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nfe.dissect.fingerprint.CorpusFixtures.CommunityRow;
import dev.nfe.dissect.fingerprint.CorpusFixtures.UpstreamRow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Community ID of every TCP conversation in every corpus capture against tshark 4.0.17's
 * {@code communityid} dissector (seeds 0 and 1), and against the {@code network.community_id}
 * Arkime publishes in its {@code tests/pcap/*.test} sessions.
 */
class CommunityIdCorpusTest {

    // pinned so that a truncated fixture cannot pass by comparing less
    private static final int TCP_CONVERSATIONS = 1190;
    private static final int IPV6_CONVERSATIONS = 220;
    private static final int ARKIME_SESSIONS = 136;

    @Test
    void everyTcpConversationMatchesTshark() {
        CommunityId seed0 = new CommunityId(0);
        CommunityId seed1 = new CommunityId(1);
        List<String> mismatches = new ArrayList<>();
        int v6 = 0;
        List<CommunityRow> rows = CorpusFixtures.communityIds();
        for (CommunityRow r : rows) {
            String ours0 = seed0.of(r.a(), r.b(), 6);
            String ours1 = seed1.of(r.a(), r.b(), 6);
            if (!ours0.equals(r.seed0()) || !ours1.equals(r.seed1())) {
                mismatches.add(r + " ours " + ours0 + " " + ours1);
            }
            if (r.a().ip().v6()) {
                v6++;
            }
        }
        assertEquals(List.of(), mismatches);
        assertEquals(TCP_CONVERSATIONS, rows.size());
        assertEquals(IPV6_CONVERSATIONS, v6);
    }

    @Test
    void arkimeSessionsMatch() {
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (UpstreamRow up : CorpusFixtures.upstream()) {
            if (!up.field().equals("community_id")) {
                continue;
            }
            compared++;
            String ours = CommunityId.v1(up.a(), up.b(), 6, 0);
            if (!ours.equals(up.value())) {
                mismatches.add(up + " ours " + ours);
            }
        }
        assertEquals(List.of(), mismatches);
        assertEquals(ARKIME_SESSIONS, compared);
    }
}
