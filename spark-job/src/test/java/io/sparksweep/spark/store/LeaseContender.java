package io.sparksweep.spark.store;

import org.apache.hadoop.conf.Configuration;

import java.time.Duration;

/**
 * A process that tries to take a sweep's lease, for {@link SweepLeaseTest}: prints {@code HELD}, holds it for
 * a while and prints {@code RELEASED}; or prints {@code BUSY} with the holder the lease names.
 */
public final class LeaseContender {

    private LeaseContender() {
    }

    public static void main(String[] args) throws InterruptedException {
        Leaderboard store = new Leaderboard(args[0], new Configuration());
        SweepLease lease;
        try {
            lease = SweepLease.acquire(store, args[1], Duration.ZERO);
        } catch (SweepLease.HeldException e) {
            System.out.println("BUSY " + e.owner().pid() + " " + e.getMessage());
            return;
        }
        try (lease) {
            System.out.println("HELD " + ProcessHandle.current().pid());
            System.out.flush();
            Thread.sleep(Long.parseLong(args[2]));
        }
        System.out.println("RELEASED");
    }
}
