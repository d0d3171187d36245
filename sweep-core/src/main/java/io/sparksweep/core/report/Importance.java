package io.sparksweep.core.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much of the objective's spread each parameter explains, by the marginal-variance measure (the
 * correlation ratio, eta squared): trials are grouped by the parameter's value (a category, or one of up
 * to {@value #BINS} equal-count bins of a number, in log space for a positive range that spans a decade or
 * more), and the share of the objective's variance that lies between the groups' means is the parameter's
 * importance. 0: the parameter's value tells nothing of the objective; 1: it tells everything. Each parameter
 * is judged alone, so parameters that matter only together read low; the report says so.
 */
public final class Importance {

    static final int BINS = 8;

    private Importance() {
    }

    /**
     * @param params    each parameter's value per trial (Double for numbers, anything else a category), same order as {@code objective}
     * @param objective each trial's objective (finite values only)
     * @return each parameter's eta squared, in the order given; parameters with a single value are left out
     */
    public static Map<String, Double> of(Map<String, List<Object>> params, List<Double> objective) {
        Map<String, Double> out = new LinkedHashMap<>();
        int n = objective.size();
        double mean = objective.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double total = objective.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        for (Map.Entry<String, List<Object>> e : params.entrySet()) {
            List<Object> values = e.getValue();
            if (values.size() != n) {
                throw new IllegalArgumentException(e.getKey() + " has " + values.size() + " values for " + n + " trials");
            }
            int[] group = groups(values);
            int groups = Arrays.stream(group).max().orElse(-1) + 1;
            if (groups < 2) {
                continue;
            }
            double[] sum = new double[groups];
            int[] count = new int[groups];
            for (int i = 0; i < n; i++) {
                sum[group[i]] += objective.get(i);
                count[group[i]]++;
            }
            double between = 0;
            for (int g = 0; g < groups; g++) {
                if (count[g] > 0) {
                    double m = sum[g] / count[g];
                    between += count[g] * (m - mean) * (m - mean);
                }
            }
            out.put(e.getKey(), total > 0 ? between / total : 0);
        }
        return out;
    }

    /** Each trial's group: its category's index, or its number's bin. */
    static int[] groups(List<Object> values) {
        int n = values.size();
        int[] g = new int[n];
        boolean numeric = values.stream().allMatch(v -> v instanceof Number);
        if (!numeric) {
            Map<Object, Integer> index = new HashMap<>();
            for (int i = 0; i < n; i++) {
                g[i] = index.computeIfAbsent(String.valueOf(values.get(i)), k -> index.size());
            }
            return g;
        }
        double[] x = values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
        long distinct = Arrays.stream(x).distinct().count();
        if (distinct <= BINS) {
            double[] sorted = Arrays.stream(x).distinct().sorted().toArray();
            for (int i = 0; i < n; i++) {
                g[i] = Arrays.binarySearch(sorted, x[i]);
            }
            return g;
        }
        double min = Arrays.stream(x).min().orElse(0);
        double max = Arrays.stream(x).max().orElse(0);
        boolean log = min > 0 && max / min >= 10;
        double[] t = Arrays.stream(x).map(v -> log ? Math.log(v) : v).toArray();
        double[] sorted = t.clone();
        Arrays.sort(sorted);
        List<Double> cuts = new ArrayList<>();
        for (int b = 1; b < BINS; b++) {
            cuts.add(sorted[(int) ((long) b * n / BINS)]);
        }
        for (int i = 0; i < n; i++) {
            int bin = 0;
            while (bin < cuts.size() && t[i] >= cuts.get(bin)) {
                bin++;
            }
            g[i] = bin;
        }
        return g;
    }
}
