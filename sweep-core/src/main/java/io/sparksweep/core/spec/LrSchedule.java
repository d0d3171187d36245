package io.sparksweep.core.spec;

/** How the learning rate changes over epochs. */
public sealed interface LrSchedule extends java.io.Serializable {

    /** The learning rate for a 0-based epoch, starting from {@code initial}. */
    double rateAt(double initial, int epoch);

    /** A stable text form, part of every trial's id. */
    String canonical();

    /** The schedule of a {@link #canonical()} text, as rows store it. */
    static LrSchedule parse(String canonical) {
        if (canonical.equals("constant")) {
            return new Constant();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("step\\(every=(\\d+),gamma=([0-9.eE+-]+)\\)").matcher(canonical);
        if (m.matches()) {
            return new Step(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)));
        }
        throw new IllegalArgumentException("not a learning-rate schedule: " + canonical);
    }

    /** The same rate throughout. */
    record Constant() implements LrSchedule {
        @Override
        public double rateAt(double initial, int epoch) {
            return initial;
        }

        @Override
        public String canonical() {
            return "constant";
        }
    }

    /** Every {@code everyEpochs} epochs, multiply the rate by {@code gamma} (PyTorch's StepLR). */
    record Step(int everyEpochs, double gamma) implements LrSchedule {
        public Step {
            if (everyEpochs < 1) {
                throw new IllegalArgumentException("step schedule: every must be >= 1, found " + everyEpochs);
            }
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("step schedule: gamma must be in (0, 1], found " + gamma);
            }
        }

        @Override
        public double rateAt(double initial, int epoch) {
            return initial * Math.pow(gamma, epoch / everyEpochs);
        }

        @Override
        public String canonical() {
            return "step(every=" + everyEpochs + ",gamma=" + gamma + ")";
        }
    }
}
