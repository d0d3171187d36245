package io.sparksweep.spark.exec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Local mode's own GPU scheduling (Spark schedules no GPUs in local[*]): a pool of device addresses,
 * each taken by at most {@code trialsPerDevice} trials at once. A trial leases a device for its
 * lifetime and returns it when it ends, failed or not. One pool per JVM, shared by its tasks.
 */
final class DevicePool {

    private static volatile DevicePool shared;

    private final Map<String, Integer> inUse = new LinkedHashMap<>();
    private final int trialsPerDevice;

    DevicePool(List<String> addresses, int trialsPerDevice) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a device pool needs at least one address");
        }
        if (trialsPerDevice < 1) {
            throw new IllegalArgumentException("trials per device must be >= 1, found " + trialsPerDevice);
        }
        addresses.forEach(a -> inUse.put(a, 0));
        this.trialsPerDevice = trialsPerDevice;
    }

    /** The JVM's pool for this configuration (the same configuration for every task of a sweep). */
    static synchronized DevicePool shared(List<String> addresses, int trialsPerDevice) {
        DevicePool p = shared;
        if (p == null || !new ArrayList<>(p.inUse.keySet()).equals(addresses) || p.trialsPerDevice != trialsPerDevice) {
            p = new DevicePool(addresses, trialsPerDevice);
            shared = p;
        }
        return p;
    }

    /** Waits for a device with room and takes one place on it: the least used, the first on ties. */
    synchronized String lease() throws InterruptedException {
        while (true) {
            String best = null;
            for (Map.Entry<String, Integer> e : inUse.entrySet()) {
                if (e.getValue() < trialsPerDevice && (best == null || e.getValue() < inUse.get(best))) {
                    best = e.getKey();
                }
            }
            if (best != null) {
                inUse.merge(best, 1, Integer::sum);
                return best;
            }
            wait();
        }
    }

    synchronized void release(String address) {
        Integer n = inUse.get(address);
        if (n == null || n == 0) {
            throw new IllegalStateException("device " + address + " was not leased");
        }
        inUse.put(address, n - 1);
        notifyAll();
    }

    synchronized int inUse(String address) {
        return inUse.getOrDefault(address, 0);
    }
}
