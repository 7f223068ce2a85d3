package dev.nfe.dissect.flow;

import dev.nfe.capture.Endpoint;
import dev.nfe.capture.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both directions of a flow meet in one key and one shard, and shards share the work evenly. */
class FlowKeyTest {

    private static Endpoint random(SplittableRandom r, boolean v6) {
        IpAddress ip = v6 ? IpAddress.v6(r.nextLong(), r.nextLong()) : IpAddress.v4(r.nextInt());
        return new Endpoint(ip, r.nextInt(65536));
    }

    @Test
    void bothDirectionsGiveOneKeyAndOneShard() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++) {
            boolean v6 = i % 3 == 0;
            Endpoint a = random(r, v6);
            Endpoint b = random(r, v6);
            assertEquals(FlowKey.of(a, b), FlowKey.of(b, a));
            assertEquals(FlowKey.shardHash(a, b), FlowKey.shardHash(b, a));
            assertEquals(FlowKey.of(a, b).shardHash(), FlowKey.shardHash(a, b));
        }
    }

    @Test
    void loopbackLikeFlowsSpreadEvenlyOverShards() {
        // the loopback captures: a few servers, clients on 127.0.x.y with nearby ports
        Endpoint server = Endpoint.parse("127.0.0.10:443");
        for (int shards : new int[] {2, 3, 4, 8}) {
            int[] load = new int[shards];
            for (int i = 0; i < 60_000; i++) {
                Endpoint client = new Endpoint(IpAddress.v4(0x7f000100 + (i % 512)), 32768 + (i * 7) % 28000);
                load[Math.floorMod(FlowKey.shardHash(client, server), shards)]++;
            }
            for (int l : load) {
                assertTrue(Math.abs(l - 60_000 / shards) < 60_000 / shards / 10, "shard loads " + java.util.Arrays.toString(load));
            }
        }
    }
}
