package io.sparksweep.core.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** The trials no other trial beats on both counts: a lower cost (seconds, parameters) and a better objective. */
public final class Pareto {

    private Pareto() {
    }

    /**
     * @param cost     each trial's cost (lower is better)
     * @param value    each trial's objective
     * @param maximize whether a higher objective is better
     * @return the indexes of the front, by increasing cost
     */
    public static List<Integer> front(double[] cost, double[] value, boolean maximize) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, cost.length).boxed().toList());
        order.sort(Comparator.comparingDouble((Integer i) -> cost[i]).thenComparingDouble(i -> maximize ? -value[i] : value[i]));
        List<Integer> front = new ArrayList<>();
        double best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (int i : order) {
            if (maximize ? value[i] > best : value[i] < best) {
                front.add(i);
                best = value[i];
            }
        }
        return front;
    }
}
