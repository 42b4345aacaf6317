package dev.minilab.bench;

import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusListener;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.security.SignatureGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The receiving process of the bus benchmark: subscribes as QA_Tester (signatures verified), and for each delivered
 * message {@code <phase> <i> <nanoTime at publish>} notes the delivery delay (both processes read the same monotonic
 * clock). Prints {@code ready}, then after {@code latencyCount} + {@code throughputCount} messages (or 90 s) one line
 * {@code RESULT <latency p50 ms> <latency p99 ms> <latency n> <throughput n> <first ns> <last ns>}.
 *
 * <p>Usage: {@code BusReceiver <redis uri> <latencyCount> <throughputCount>}; keys from MINILAB_* in the env.
 */
public final class BusReceiver {

    private BusReceiver() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("io.netty.noUnsafe", "true");
        String uri = args[0];
        int latencyCount = Integer.parseInt(args[1]);
        int throughputCount = Integer.parseInt(args[2]);
        List<Long> latencies = new ArrayList<>(latencyCount);
        long[] throughput = {0, 0, 0}; // count, first, last
        CountDownLatch all = new CountDownLatch(latencyCount + throughputCount);
        TeamBus bus = TeamBus.connect(new BusSettings(uri, BusSettings.DEFAULT_HISTORY_WINDOW, new BusKeys(""),
                BusSettings.DEFAULT_COMMAND_TIMEOUT), SignatureGuard.fromEnv(System.getenv(), "QA_Tester"));
        bus.subscribe(new BusListener() {
            @Override
            public void onMessage(Message message) {
                long now = System.nanoTime();
                String[] parts = message.content().split(" ");
                if (parts.length != 3) {
                    return;
                }
                if (parts[0].equals("lat")) {
                    latencies.add(now - Long.parseLong(parts[2]));
                } else if (parts[0].equals("thr")) {
                    if (throughput[0] == 0) {
                        throughput[1] = now;
                    }
                    throughput[0]++;
                    throughput[2] = now;
                }
                all.countDown();
            }
        });
        System.out.println("ready");
        System.out.flush();
        all.await(90, TimeUnit.SECONDS);
        Stats stats = Stats.ofNanos(latencies);
        System.out.println("RESULT " + stats.p50Ms() + " " + stats.p99Ms() + " " + stats.count() + " "
                + throughput[0] + " " + throughput[1] + " " + throughput[2]);
        System.out.flush();
        bus.close();
        System.exit(0);
    }
}
