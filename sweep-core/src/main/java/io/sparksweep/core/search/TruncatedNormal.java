package io.sparksweep.core.search;

import org.apache.commons.math3.special.Erf;

/**
 * The standard normal truncated to [a, b], in log space so that kernels far in the tails keep their
 * precision (a port of the functions Optuna's TPE takes from SciPy: log_ndtr, log_gauss_mass, ppf).
 */
final class TruncatedNormal {

    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private TruncatedNormal() {
    }

    /** Phi(a). */
    static double ndtr(double a) {
        return 0.5 * Erf.erfc(-a / Math.sqrt(2));
    }

    /** ln Phi(a), accurate far into the lower tail. */
    static double logNdtr(double a) {
        if (a > 6) {
            return -ndtr(-a);
        }
        if (a > -20) {
            return Math.log(ndtr(a));
        }
        double logLhs = -0.5 * a * a - Math.log(-a) - LOG_SQRT_2PI;
        double rhs = 1;
        double last = 0;
        double numerator = 1;
        double denomFactor = 1;
        double denomCons = 1 / (a * a);
        int sign = 1;
        for (int i = 1; Math.abs(last - rhs) > Math.ulp(1.0); i++) {
            last = rhs;
            sign = -sign;
            denomFactor *= denomCons;
            numerator *= 2 * i - 1;
            rhs += sign * numerator * denomFactor;
        }
        return logLhs + Math.log(rhs);
    }

    /** ln(Phi(b) - Phi(a)) for a <= b. */
    static double logMass(double a, double b) {
        if (b <= 0) {
            return logDiff(logNdtr(b), logNdtr(a));
        }
        if (a > 0) {
            return logDiff(logNdtr(-a), logNdtr(-b));
        }
        return Math.log1p(-ndtr(a) - ndtr(-b));
    }

    private static double logDiff(double p, double q) {
        return p + Math.log1p(-Math.exp(q - p));
    }

    private static double logAddExp(double x, double y) {
        double m = Math.max(x, y);
        if (m == Double.NEGATIVE_INFINITY) {
            return m;
        }
        return m + Math.log(Math.exp(x - m) + Math.exp(y - m));
    }

    /** The quantile p of the standard normal truncated to [a, b]. */
    static double ppf(double p, double a, double b) {
        if (p <= 0) {
            return a;
        }
        if (p >= 1) {
            return b;
        }
        double mass = logMass(a, b);
        double x = a < 0
                ? ndtriExp(logAddExp(logNdtr(a), Math.log(p) + mass))
                : -ndtriExp(logAddExp(logNdtr(-b), Math.log1p(-p) + mass));
        return Math.min(b, Math.max(a, x));
    }

    /** x with ln Phi(x) = y, by bisection (logNdtr is increasing). */
    private static double ndtriExp(double y) {
        double lo = -100;
        double hi = 100;
        for (int i = 0; i < 64; i++) {
            double mid = 0.5 * (lo + hi);
            if (logNdtr(mid) < y) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** ln of the density at z of the standard normal truncated to [a, b] (-inf outside). */
    static double logPdf(double z, double a, double b) {
        if (z < a || z > b) {
            return Double.NEGATIVE_INFINITY;
        }
        return -0.5 * z * z - LOG_SQRT_2PI - logMass(a, b);
    }
}
