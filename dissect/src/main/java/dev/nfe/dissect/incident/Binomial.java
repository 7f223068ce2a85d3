package dev.nfe.dissect.incident;

/** Binomial tail probabilities, computed in log space so that hundreds of events do not underflow. */
final class Binomial {
    private Binomial() {
    }

    /** P(X >= m) for X ~ Binomial(n, p). */
    static double upperTail(int n, int m, double p) {
        if (m <= 0) {
            return 1;
        }
        if (m > n || p <= 0) {
            return 0;
        }
        if (p >= 1) {
            return 1;
        }
        // the first term in log space, the rest by the ratio of consecutive terms
        double log = logChoose(n, m) + m * Math.log(p) + (n - m) * Math.log1p(-p);
        double ratio = p / (1 - p);
        double sum = 0;
        for (int k = m; k <= n; k++) {
            sum += Math.exp(log);
            log += Math.log((double) (n - k) / (k + 1) * ratio);
        }
        return Math.min(1, sum);
    }

    private static double logChoose(int n, int k) {
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    }

    private static double logFactorial(int n) {
        double s = 0;
        for (int i = 2; i <= n; i++) {
            s += Math.log(i);
        }
        return s;
    }
}
