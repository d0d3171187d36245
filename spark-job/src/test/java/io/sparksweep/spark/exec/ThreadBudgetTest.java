package io.sparksweep.spark.exec;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThreadBudgetTest {

    private static int onNewThread(Runnable before) throws InterruptedException {
        AtomicInteger seen = new AtomicInteger(-1);
        Thread t = new Thread(() -> {
            before.run();
            seen.set(ThreadBudget.openMpThreads());
        });
        t.start();
        t.join();
        return seen.get();
    }

    @Test
    void apply_setsOpenMpThreadsOnEveryCallingThread_notOnlyTheFirst() throws InterruptedException {
        assertEquals(2, onNewThread(() -> ThreadBudget.apply(2)));
        // The same budget again, from another task thread: the process-wide part is done, the thread's is not.
        assertEquals(2, onNewThread(() -> ThreadBudget.apply(2)));
        assertEquals(1, onNewThread(() -> ThreadBudget.apply(1)));
        assertEquals(1, onNewThread(() -> ThreadBudget.apply(1)));
    }
}
