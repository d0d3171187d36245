package io.sparksweep.core.spec;

import java.util.List;
import java.util.Objects;

/**
 * A network shape for 28x28 grey images and 10 classes. The tutorial's three are constants;
 * sweep files may also declare MLPs and CNNs of their own.
 * Dropout here is the probability of <em>dropping</em> a unit, as in PyTorch.
 */
public sealed interface Architecture extends java.io.Serializable {

    /** The tutorial's MLP: 784-512-512-10, ReLU. */
    Mlp MLP = new Mlp("mlp", List.of(512, 512), 0.0);
    /** The tutorial's deeper MLP: 784-1024-1024-512-512-10, ReLU. */
    Mlp DEEP_MLP = new Mlp("deep_mlp", List.of(1024, 1024, 512, 512), 0.0);
    /** The tutorial's CNN: conv3x3 32/64/128, each with BatchNorm, ReLU, max-pool 2; dense 512, 512 with BatchNorm, ReLU, dropout 0.4. */
    Cnn CNN = new Cnn("cnn", List.of(32, 64, 128), List.of(512, 512), 0.4);

    List<Architecture> PRESETS = List.of(MLP, DEEP_MLP, CNN);

    /** The name in the leaderboard's {@code architecture} column. */
    String name();

    /** The default dropout of this shape, used unless the sweep searches over dropout. */
    double dropout();

    /** A stable text form of the whole shape, part of every trial's id. */
    String canonical();

    /** Trainable parameters for 28x28 inputs and 10 classes: weights and biases, batch norm's scale and shift. */
    long parameterCount();

    /** Fully connected layers with ReLU, each followed by dropout when it is above zero. */
    record Mlp(String name, List<Integer> hidden, double dropout) implements Architecture {
        public Mlp {
            Objects.requireNonNull(name, "name");
            hidden = List.copyOf(hidden);
            if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1)) {
                throw new IllegalArgumentException("mlp hidden sizes must be a non-empty list of integers >= 1, found " + hidden);
            }
            requireDropout(dropout);
        }

        @Override
        public String canonical() {
            return "mlp" + hidden + "/dropout=" + dropout;
        }

        @Override
        public long parameterCount() {
            long in = 784;
            long n = 0;
            for (int h : hidden) {
                n += in * h + h;
                in = h;
            }
            return n + in * 10 + 10;
        }
    }

    /** 3x3 convolutions (padding 1, BatchNorm, ReLU, max-pool 2) then dense layers (BatchNorm, ReLU, dropout). */
    record Cnn(String name, List<Integer> channels, List<Integer> dense, double dropout) implements Architecture {
        public Cnn {
            Objects.requireNonNull(name, "name");
            channels = List.copyOf(channels);
            dense = List.copyOf(dense);
            if (channels.isEmpty() || channels.size() > 4 || channels.stream().anyMatch(c -> c < 1)) {
                throw new IllegalArgumentException("cnn channels must be 1 to 4 integers >= 1 (28x28 inputs halve per block), found " + channels);
            }
            if (dense.stream().anyMatch(d -> d < 1)) {
                throw new IllegalArgumentException("cnn dense sizes must be integers >= 1, found " + dense);
            }
            requireDropout(dropout);
        }

        @Override
        public String canonical() {
            return "cnn" + channels + dense + "/dropout=" + dropout;
        }

        @Override
        public long parameterCount() {
            long in = 1;
            int side = 28;
            long n = 0;
            for (int c : channels) {
                n += in * c * 9 + c + 2L * c;
                in = c;
                side /= 2;
            }
            in = in * side * side;
            for (int d : dense) {
                n += in * d + d + 2L * d;
                in = d;
            }
            return n + in * 10 + 10;
        }
    }

    static Architecture preset(String name) {
        return PRESETS.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
    }

    private static void requireDropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), found " + p);
        }
    }
}
