package io.sparksweep.spark.exec;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevicePoolTest {

    @Test
    void lease_manyThreads_neverPutMoreThanTheLimitOnADevice() throws Exception {
        DevicePool pool = new DevicePool(List.of("0", "1"), 2);
        Map<String, AtomicInteger> now = new ConcurrentHashMap<>(Map.of("0", new AtomicInteger(), "1", new AtomicInteger()));
        Map<String, AtomicInteger> peak = new ConcurrentHashMap<>(Map.of("0", new AtomicInteger(), "1", new AtomicInteger()));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            jobs.add(threads.submit(() -> {
                String d = pool.lease();
                try {
                    int n = now.get(d).incrementAndGet();
                    peak.get(d).accumulateAndGet(n, Math::max);
                    Thread.sleep(5);
                    now.get(d).decrementAndGet();
                } finally {
                    pool.release(d);
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertEquals(2, peak.get("0").get());
        assertEquals(2, peak.get("1").get());
        assertEquals(0, pool.inUse("0"));
        assertEquals(0, pool.inUse("1"));
    }

    @Test
    void lease_prefersTheLeastUsedDevice() throws InterruptedException {
        DevicePool pool = new DevicePool(List.of("a", "b"), 3);
        assertEquals("a", pool.lease());
        assertEquals("b", pool.lease());
        assertEquals("a", pool.lease());
        pool.release("a");
        pool.release("a");
        assertEquals("a", pool.lease());
        assertTrue(pool.inUse("b") == 1);
    }

    @Test
    void release_ofADeviceNotLeased_isAnError() {
        DevicePool pool = new DevicePool(List.of("0"), 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.release("0"));
        assertEquals("device 0 was not leased", e.getMessage());
    }
}
