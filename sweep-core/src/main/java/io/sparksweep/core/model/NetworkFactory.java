package io.sparksweep.core.model;

import io.sparksweep.core.fastpath.FastPath;

import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.LrSchedule;
import io.sparksweep.core.spec.OptimizerSpec;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * Builds the DL4J network of a trial from its {@link TrialParams}; the trained result is the
 * {@link io.sparksweep.core.train.TrialRunner}'s job. Layers follow the tutorial's PyTorch modules
 * one for one, with PyTorch's default initialisation (weights uniform in +-1/sqrt(fan_in)), so that
 * the same configuration reaches the same accuracy. Inputs are flat 784-vectors for every shape.
 */
public final class NetworkFactory {

    public static final int IMAGE_SIDE = 28;
    public static final int CLASSES = 10;

    private NetworkFactory() {
    }

    public static MultiLayerNetwork build(TrialParams p, LrSchedule schedule, long seed) {
        FastPath.beforeBuild();
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(p, schedule, seed));
        net.init();
        FastPath.install(net);
        return net;
    }

    public static MultiLayerConfiguration configuration(TrialParams p, LrSchedule schedule, long seed) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater(p.optimizer(), p.learningRate(), schedule))
                .l2(p.weightDecay())
                .l2Bias(p.weightDecay())
                .list();
        int pixels = IMAGE_SIDE * IMAGE_SIDE;
        if (p.architecture() instanceof Architecture.Mlp mlp) {
            long in = pixels;
            for (int width : mlp.hidden()) {
                list.layer(dense(in, width, Activation.RELU));
                if (p.dropout() > 0) {
                    list.layer(dropout(p.dropout()));
                }
                in = width;
            }
            list.layer(output(in));
            list.setInputType(InputType.feedForward(pixels));
        } else {
            Architecture.Cnn cnn = (Architecture.Cnn) p.architecture();
            long inChannels = 1;
            int side = IMAGE_SIDE;
            for (int channels : cnn.channels()) {
                list.layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).stride(1, 1).nOut(channels)
                        .activation(Activation.IDENTITY).weightInit(torchDefault(inChannels * 9)).build());
                list.layer(new BatchNormalization.Builder().build());
                list.layer(new ActivationLayer(Activation.RELU));
                list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate).build());
                inChannels = channels;
                side /= 2;
            }
            long in = inChannels * side * side;
            for (int width : cnn.dense()) {
                list.layer(dense(in, width, Activation.IDENTITY));
                list.layer(new BatchNormalization.Builder().build());
                list.layer(new ActivationLayer(Activation.RELU));
                if (p.dropout() > 0) {
                    list.layer(dropout(p.dropout()));
                }
                in = width;
            }
            list.layer(output(in));
            list.setInputType(InputType.convolutionalFlat(IMAGE_SIDE, IMAGE_SIDE, 1));
        }
        return list.build();
    }

    /** The updater with its learning-rate schedule; the schedule counts epochs from 0. */
    static IUpdater updater(OptimizerSpec o, double lr, LrSchedule schedule) {
        ISchedule s = schedule instanceof LrSchedule.Step step
                ? new StepSchedule(ScheduleType.EPOCH, lr, step.gamma(), step.everyEpochs())
                : null;
        IUpdater u;
        if (o instanceof OptimizerSpec.Sgd) {
            u = new Sgd(lr);
        } else if (o instanceof OptimizerSpec.Momentum m) {
            u = new HeavyBallMomentum(lr, null, m.momentum());
        } else if (o instanceof OptimizerSpec.Nesterov n) {
            u = new Nesterovs(lr, n.momentum());
        } else if (o instanceof OptimizerSpec.Adam a) {
            u = new Adam(lr, a.beta1(), a.beta2(), a.epsilon());
        } else {
            OptimizerSpec.RmsProp r = (OptimizerSpec.RmsProp) o;
            u = new RmsProp(lr, r.decay(), r.epsilon());
        }
        if (s != null) {
            u.setLrAndSchedule(lr, s);
        }
        return u;
    }

    private static DenseLayer dense(long in, int out, Activation activation) {
        return new DenseLayer.Builder().nIn(in).nOut(out).activation(activation).weightInit(torchDefault(in)).build();
    }

    private static OutputLayer output(long in) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(in).nOut(CLASSES)
                .activation(Activation.SOFTMAX).weightInit(torchDefault(in)).build();
    }

    /** DL4J's dropout argument is the probability of keeping a unit; ours (PyTorch's) of dropping it. */
    private static DropoutLayer dropout(double dropProbability) {
        return new DropoutLayer.Builder(1.0 - dropProbability).build();
    }

    /** PyTorch's default for Linear and Conv2d: kaiming_uniform(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    private static WeightInitDistribution torchDefault(long fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        return new WeightInitDistribution(new UniformDistribution(-bound, bound));
    }
}
