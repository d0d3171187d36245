package io.sparksweep.core.spec;

/** How the learning rate changes over epochs. */
public sealed interface LrSchedule extends java.io.Serializable {

    /** The learning rate for a 0-based epoch, starting from {@code initial}. */
    double rateAt(double initial, int epoch);

    /** A stable text form, part of every trial's id. */
    String canonical();

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
