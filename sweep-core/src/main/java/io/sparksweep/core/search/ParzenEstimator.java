package io.sparksweep.core.search;

import java.util.Arrays;
import java.util.Random;

/**
 * The density TPE fits to one group of trials (the good ones, or the others) in one dimension: a mixture
 * of one kernel per observation and a wide prior kernel, weighted as Optuna's univariate Parzen estimator
 * weights them (older observations count less once there are more than 25). A numerical dimension's
 * kernels are truncated normals on the dimension's range (in log space for log ranges; a discrete one's
 * density is the mass of its value's bin); a categorical one's are distributions over the choices, each
 * its observation's choice plus {@code priorWeight / (N + 1)} on every choice.
 *
 * <p>Optuna 3.1's continuous log density leaves out each kernel's {@code -ln sigma} (fixed in Optuna 3.5);
 * this one is the true density.
 */
final class ParzenEstimator {

    private static final double PRIOR_WEIGHT = 1.0;

    private final double[] weights;
    private final double[] cumulative;
    // numerical
    private final double low;
    private final double high;
    private final double step;
    private final double[] mus;
    private final double[] sigmas;
    // categorical
    private final double[][] probs;

    private ParzenEstimator(double[] weights, double low, double high, double step, double[] mus, double[] sigmas, double[][] probs) {
        this.weights = weights;
        this.cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
        this.low = low;
        this.high = high;
        this.step = step;
        this.mus = mus;
        this.sigmas = sigmas;
        this.probs = probs;
    }

    /** Optuna's default_weights: equal up to 25 observations; beyond, a ramp from 1/n for all but the newest 25. */
    static double[] observationWeights(int n) {
        double[] w = new double[n];
        Arrays.fill(w, 1.0);
        if (n >= 25) {
            int ramp = n - 25;
            for (int i = 0; i < ramp; i++) {
                double a = 1.0 / n;
                w[i] = ramp == 1 ? a : a + i * (1.0 - a) / (ramp - 1);
            }
        }
        return w;
    }

    private static double[] mixtureWeights(int n) {
        double[] w = Arrays.copyOf(observationWeights(n), n + 1);
        w[n] = PRIOR_WEIGHT;
        double sum = Arrays.stream(w).sum();
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /**
     * A numerical estimator.
     *
     * @param observations values in the estimator's space (log values for a log range), oldest first
     * @param low          the lower bound in that space (for a discrete range, half a step below the lowest value)
     * @param high         the upper bound likewise
     * @param step         the step of a discrete range, or NaN for a continuous one
     */
    static ParzenEstimator numerical(double[] observations, double low, double high, double step) {
        int n = observations.length;
        double[] mus = Arrays.copyOf(observations, n + 1);
        mus[n] = 0.5 * (low + high);
        double[] sigmas = new double[n + 1];
        int k = n + 1;
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(mus[x], mus[y]));
        double[] e = new double[k + 2];
        e[0] = low;
        for (int j = 0; j < k; j++) {
            e[j + 1] = mus[order[j]];
        }
        e[k + 1] = high;
        double[] sorted = new double[k];
        for (int j = 0; j < k; j++) {
            sorted[j] = Math.max(e[j + 1] - e[j], e[j + 2] - e[j + 1]);
        }
        if (k >= 2) {
            // Optuna's consider_endpoints=False: the outermost kernels take the gap to their inner neighbour.
            sorted[0] = e[2] - e[1];
            sorted[k - 1] = e[k] - e[k - 1];
        }
        double maxSigma = high - low;
        double minSigma = (high - low) / Math.min(100.0, 1.0 + k);
        for (int j = 0; j < k; j++) {
            sigmas[order[j]] = Math.min(maxSigma, Math.max(minSigma, sorted[j]));
        }
        sigmas[n] = high - low;
        return new ParzenEstimator(mixtureWeights(n), low, high, step, mus, sigmas, null);
    }

    /** A categorical estimator over {@code choices} choices; observations are choice indexes, oldest first. */
    static ParzenEstimator categorical(int[] observations, int choices) {
        int n = observations.length;
        int kernels = n + 1;
        double[][] p = new double[kernels][choices];
        for (int i = 0; i < kernels; i++) {
            Arrays.fill(p[i], PRIOR_WEIGHT / kernels);
            if (i < n) {
                p[i][observations[i]] += 1;
            }
            double sum = Arrays.stream(p[i]).sum();
            for (int c = 0; c < choices; c++) {
                p[i][c] /= sum;
            }
        }
        return new ParzenEstimator(mixtureWeights(n), Double.NaN, Double.NaN, Double.NaN, null, null, p);
    }

    private int component(Random rng) {
        double u = rng.nextDouble() * cumulative[cumulative.length - 1];
        for (int i = 0; i < cumulative.length; i++) {
            if (u < cumulative[i]) {
                return i;
            }
        }
        return cumulative.length - 1;
    }

    /** {@code n} draws from the mixture: values in the estimator's space (choice indexes, discrete values on their steps). */
    double[] sample(Random rng, int n) {
        double[] out = new double[n];
        for (int s = 0; s < n; s++) {
            int k = component(rng);
            double u = rng.nextDouble();
            if (probs != null) {
                double[] p = probs[k];
                double c = 0;
                int choice = p.length - 1;
                for (int j = 0; j < p.length; j++) {
                    c += p[j];
                    if (u < c) {
                        choice = j;
                        break;
                    }
                }
                out[s] = choice;
            } else {
                double a = (low - mus[k]) / sigmas[k];
                double b = (high - mus[k]) / sigmas[k];
                double x = TruncatedNormal.ppf(u, a, b) * sigmas[k] + mus[k];
                if (!Double.isNaN(step)) {
                    double first = low + step / 2;
                    double last = high - step / 2;
                    x = Math.min(last, Math.max(first, Math.rint((x - first) / step) * step + first));
                }
                out[s] = Math.min(high, Math.max(low, x));
            }
        }
        return out;
    }

    /** ln of the mixture's density (a discrete range: probability) at {@code x}, in the estimator's space. */
    double logPdf(double x) {
        double[] terms = new double[weights.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < weights.length; i++) {
            double lp;
            if (probs != null) {
                lp = Math.log(probs[i][(int) x]);
            } else if (!Double.isNaN(step)) {
                double ub = Math.min(x + step / 2, high);
                double lb = Math.max(x - step / 2, low);
                lp = TruncatedNormal.logMass((lb - mus[i]) / sigmas[i], (ub - mus[i]) / sigmas[i])
                        - TruncatedNormal.logMass((low - mus[i]) / sigmas[i], (high - mus[i]) / sigmas[i]);
            } else {
                lp = TruncatedNormal.logPdf((x - mus[i]) / sigmas[i], (low - mus[i]) / sigmas[i], (high - mus[i]) / sigmas[i])
                        - Math.log(sigmas[i]);
            }
            terms[i] = lp + Math.log(weights[i]);
            max = Math.max(max, terms[i]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (double t : terms) {
            sum += Math.exp(t - max);
        }
        return max + Math.log(sum);
    }
}
