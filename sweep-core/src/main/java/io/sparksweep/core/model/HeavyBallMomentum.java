package io.sparksweep.core.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.Map;
import java.util.Objects;

/**
 * SGD with heavy-ball momentum exactly as {@code torch.optim.SGD(lr, momentum)}:
 * {@code v = momentum * v + g; w -= lr * v}. DL4J ships only Nesterov momentum, whose steps differ,
 * so the tutorial's runs are reproduced with this updater. A plain bean so that DL4J's JSON
 * configuration (and so {@code ModelSerializer}) can write and read it.
 */
public final class HeavyBallMomentum implements IUpdater {

    private static final long serialVersionUID = 1L;

    private double learningRate = 0.01;
    private double momentum = 0.9;
    private ISchedule learningRateSchedule;

    public HeavyBallMomentum() {
    }

    public HeavyBallMomentum(double learningRate, ISchedule schedule, double momentum) {
        this.learningRate = learningRate;
        this.learningRateSchedule = schedule;
        this.momentum = momentum;
    }

    public double getLearningRate() {
        return learningRate;
    }

    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    public double getMomentum() {
        return momentum;
    }

    public void setMomentum(double momentum) {
        this.momentum = momentum;
    }

    public ISchedule getLearningRateSchedule() {
        return learningRateSchedule;
    }

    public void setLearningRateSchedule(ISchedule learningRateSchedule) {
        this.learningRateSchedule = learningRateSchedule;
    }

    @Override
    public long stateSize(long numParams) {
        return numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater u = new Updater(this);
        u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(state, initializeStateArrays);
        return u;
    }

    @Override
    public HeavyBallMomentum clone() {
        return new HeavyBallMomentum(learningRate, learningRateSchedule == null ? null : learningRateSchedule.clone(), momentum);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule == null ? learningRate : learningRateSchedule.valueAt(iteration, epoch);
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeavyBallMomentum h && h.learningRate == learningRate && h.momentum == momentum
                && Objects.equals(h.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, momentum, learningRateSchedule);
    }

    @Override
    public String toString() {
        return "HeavyBallMomentum(lr=" + learningRate + ", momentum=" + momentum + ", schedule=" + learningRateSchedule + ")";
    }

    /** The state is one velocity per parameter, a view into DL4J's updater state array. */
    static final class Updater implements GradientUpdater<HeavyBallMomentum> {

        private static final String VELOCITY = "V";
        private final HeavyBallMomentum config;
        private INDArray velocity;

        Updater(HeavyBallMomentum config) {
            this.config = config;
        }

        @Override
        public HeavyBallMomentum getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> state, boolean initialize) {
            if (state == null || !state.containsKey(VELOCITY)) {
                throw new IllegalStateException("heavy-ball momentum state needs key " + VELOCITY + ", found " + (state == null ? null : state.keySet()));
            }
            velocity = state.get(VELOCITY);
            if (initialize) {
                velocity.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            return Map.of(VELOCITY, velocity);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char order, boolean initialize) {
            if (!viewArray.isRowVectorOrScalar()) {
                throw new IllegalArgumentException("invalid input: expect row vector input");
            }
            if (initialize) {
                viewArray.assign(0);
            }
            velocity = viewArray.reshape(order, gradientShape);
        }

        /** Turns the gradient, in place, into the step DL4J subtracts from the parameters. */
        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            double lr = config.getLearningRate(iteration, epoch);
            // v = momentum * v + g in one pass (Axpy: z = p * x + y), then the step lr * v into the gradient.
            Nd4j.exec(new Axpy(velocity, gradient, velocity, config.momentum));
            velocity.muli(lr, gradient);
        }
    }
}
