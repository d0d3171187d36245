package io.sparksweep.core.fastpath;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2x2, stride-2 max pooling of [planes, H, W] float arrays in the Vector API, straight from
 * and into ND4J's native buffers. C2 leaves the plain loops of {@link MaxPoolLayer} scalar: a window's four
 * elements are at four offsets, and C2 vectorises only loops whose accesses share one index. Here a 16-lane
 * vector holds 8 windows' pairs of one image row: each lane is compared with its neighbour (a lane swap),
 * with the row below, and the even lanes are packed into 8 results (longs narrowed to ints, which keeps the
 * low float of each pair).
 *
 * <p>The window's element chosen is the first maximum in row order, as in {@link MaxPoolLayer}'s loops and
 * oneDNN: the right element of a pair only when it is greater, the bottom pair only when its maximum is
 * greater than the top one's. Vectors read and write past the end of an image row into the next one, which
 * is computed after it; the last windows of the array, where a vector would pass the array's end, are
 * computed one at a time. An odd side is truncated, as DL4J's pooling does: the last column or row that no
 * window reaches gets a zero gradient.
 *
 * <p>This class is loaded only where the JVM runs with {@code --add-modules=jdk.incubator.vector}
 * (conf/jvm.properties); {@link #usable} tells {@link MaxPoolLayer} whether to call it.
 */
final class VectorPooling {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
    private static final int LANES = FLOATS.length();
    /** Windows per vector: each takes two lanes of a row. */
    private static final int WINDOWS = LANES / 2;
    /**
     * How many floats {@code where} needs beyond one per window, as its last vectors run past the end: a
     * vector's lanes. A constant, so that {@link MaxPoolLayer} can size the array without loading this class.
     */
    static final int SLACK = 16;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(FLOATS, i -> i ^ 1);
    private static final VectorShuffle<Float> SPREAD = VectorShuffle.fromOp(FLOATS, i -> i / 2);
    private static final FloatVector LANE_PARITY = FloatVector.fromArray(FLOATS, parity(), 0);
    private static final FloatVector ZERO = FloatVector.zero(FLOATS);
    private static final FloatVector ONE = FloatVector.broadcast(FLOATS, 1f);
    private static final FloatVector TWO = FloatVector.broadcast(FLOATS, 2f);
    private static final FloatVector THREE = FloatVector.broadcast(FLOATS, 3f);

    private VectorPooling() {
    }

    private static float[] parity() {
        float[] p = new float[LANES];
        for (int i = 0; i < LANES; i++) {
            p[i] = i & 1;
        }
        return p;
    }

    /**
     * The maximum of each window into {@code out} and where it was (0-3 in row order, as a float) into
     * {@code where}, which holds {@link #SLACK} more floats than there are windows; with {@code where}
     * null (inference, which has no backward pass), the maxima alone.
     */
    static void forward(ByteBuffer in, ByteBuffer out, float[] where, int planes, int h, int w) {
        int ho = h / 2;
        int wo = w / 2;
        long inLength = (long) planes * h * w;
        long outLength = (long) planes * ho * wo;
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < ho; i++) {
                int top = (p * h + 2 * i) * w;
                int o = (p * ho + i) * wo;
                for (int j = 0; j < wo; j += WINDOWS) {
                    if (top + w + 2 * j + LANES > inLength || o + j + WINDOWS > outLength) {
                        scalarForward(in, out, where, top, w, o + j, Math.min(WINDOWS, wo - j), 2 * j);
                        continue;
                    }
                    FloatVector t = FloatVector.fromByteBuffer(FLOATS, in, (top + 2 * j) * Float.BYTES, ORDER);
                    FloatVector b = FloatVector.fromByteBuffer(FLOATS, in, (top + w + 2 * j) * Float.BYTES, ORDER);
                    windows(t, b, where, o + j).intoByteBuffer(out, (o + j) * Float.BYTES, ORDER);
                }
            }
        }
    }

    /**
     * Inference's pooling of an NHWC array ([n][h][w][c]) into another ([n][h / 2][w / 2][c]): each window's
     * four rows of channels compared 16 channels to a vector, without the maxima's places.
     */
    static void forwardNhwc(ByteBuffer in, ByteBuffer out, int n, int h, int w, int c) {
        int ho = h / 2;
        int wo = w / 2;
        int vectorEnd = c - c % LANES;
        int row = w * c;
        for (int img = 0; img < n; img++) {
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    int a = ((img * h + 2 * i) * w + 2 * j) * c;
                    int o = ((img * ho + i) * wo + j) * c;
                    for (int k = 0; k < vectorEnd; k += LANES) {
                        FloatVector top = FloatVector.fromByteBuffer(FLOATS, in, (a + k) * Float.BYTES, ORDER)
                                .max(FloatVector.fromByteBuffer(FLOATS, in, (a + c + k) * Float.BYTES, ORDER));
                        FloatVector bottom = FloatVector.fromByteBuffer(FLOATS, in, (a + row + k) * Float.BYTES, ORDER)
                                .max(FloatVector.fromByteBuffer(FLOATS, in, (a + row + c + k) * Float.BYTES, ORDER));
                        top.max(bottom).intoByteBuffer(out, (o + k) * Float.BYTES, ORDER);
                    }
                    for (int k = vectorEnd; k < c; k++) {
                        float top = Math.max(in.getFloat((a + k) * Float.BYTES), in.getFloat((a + c + k) * Float.BYTES));
                        float bottom = Math.max(in.getFloat((a + row + k) * Float.BYTES), in.getFloat((a + row + c + k) * Float.BYTES));
                        out.putFloat((o + k) * Float.BYTES, Math.max(top, bottom));
                    }
                }
            }
        }
    }

    /**
     * The gradient with respect to the input: each window's incoming gradient at the element {@code where}
     * names, zeros elsewhere. {@code where} holds {@link #SLACK} more floats than there are windows.
     */
    static void backward(ByteBuffer dy, float[] where, ByteBuffer dx, int planes, int h, int w) {
        int ho = h / 2;
        int wo = w / 2;
        long dxLength = (long) planes * h * w;
        long dyLength = (long) planes * ho * wo;
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < ho; i++) {
                int o = (p * ho + i) * wo;
                // The top row first: its last vector runs into the bottom row, which is written after it.
                for (int r = 0; r < 2; r++) {
                    int row = (p * h + 2 * i + r) * w;
                    FloatVector chosen = LANE_PARITY.add(2 * r);
                    for (int j = 0; j < wo; j += WINDOWS) {
                        if (row + 2 * j + LANES > dxLength || o + j + LANES > dyLength) {
                            scalarBackward(dy, where, dx, row, o + j, Math.min(WINDOWS, wo - j), 2 * j, r);
                            continue;
                        }
                        FloatVector g = FloatVector.fromByteBuffer(FLOATS, dy, (o + j) * Float.BYTES, ORDER);
                        spread(g, where, o + j, chosen).intoByteBuffer(dx, (row + 2 * j) * Float.BYTES, ORDER);
                    }
                    if (w % 2 == 1) {
                        dx.putFloat((row + w - 1) * Float.BYTES, 0f);
                    }
                }
            }
            if (h % 2 == 1) {
                // The row no window reaches (an odd height is truncated), after the vectors that ran into it.
                for (int col = 0, row = (p * h + h - 1) * w; col < w; col++) {
                    dx.putFloat((row + col) * Float.BYTES, 0f);
                }
            }
        }
    }

    /**
     * {@link #forward} for one [H, W] plane held in a heap array from {@code from}, its maxima and their
     * places written from {@code at} of {@code out} and {@code where}. The vectors read up to {@link #SLACK}
     * floats past the plane's end and write up to {@link #SLACK} past its windows: {@code src} must hold them,
     * and what they write past the windows must be written again later (the next plane's windows), or be slack.
     */
    static void forwardPlane(float[] src, int from, int h, int w, float[] out, float[] where, int at) {
        int ho = h / 2;
        int wo = w / 2;
        for (int i = 0; i < ho; i++) {
            int top = from + 2 * i * w;
            int o = at + i * wo;
            for (int j = 0; j < wo; j += WINDOWS) {
                FloatVector t = FloatVector.fromArray(FLOATS, src, top + 2 * j);
                FloatVector b = FloatVector.fromArray(FLOATS, src, top + w + 2 * j);
                windows(t, b, where, o + j).intoArray(out, o + j);
            }
        }
    }

    /**
     * {@link #backward} for one plane: the gradient of the windows from {@code at} of {@code dy} and
     * {@code where} into the [H, W] plane from {@code into} of {@code dx}. The vectors read up to
     * {@link #SLACK} floats past the windows and write up to {@link #SLACK} past the plane, which
     * {@code dx} must hold and which is written again later (the next plane) or slack.
     */
    static void backwardPlane(float[] dy, float[] where, int at, float[] dx, int into, int h, int w) {
        int ho = h / 2;
        int wo = w / 2;
        for (int i = 0; i < ho; i++) {
            int o = at + i * wo;
            for (int r = 0; r < 2; r++) {
                int row = into + (2 * i + r) * w;
                FloatVector chosen = LANE_PARITY.add(2 * r);
                for (int j = 0; j < wo; j += WINDOWS) {
                    spread(FloatVector.fromArray(FLOATS, dy, o + j), where, o + j, chosen).intoArray(dx, row + 2 * j);
                }
                if (w % 2 == 1) {
                    dx[row + w - 1] = 0f;
                }
            }
        }
        if (h % 2 == 1) {
            Arrays.fill(dx, into + (h - 1) * w, into + h * w, 0f);
        }
    }

    /**
     * The maxima of the 8 windows whose top and bottom rows are {@code t} and {@code b} (a pair of lanes
     * each), as the vector's low 8 lanes; where each was (0-3) into {@code where} from {@code at}.
     */
    private static FloatVector windows(FloatVector t, FloatVector b, float[] where, int at) {
        FloatVector tr = t.rearrange(SWAP_PAIRS);
        FloatVector br = b.rearrange(SWAP_PAIRS);
        FloatVector topMax = t.max(tr);
        FloatVector bottomMax = b.max(br);
        if (where != null) {
            VectorMask<Float> topRight = tr.compare(VectorOperators.GT, t);
            VectorMask<Float> bottomRight = br.compare(VectorOperators.GT, b);
            VectorMask<Float> bottom = bottomMax.compare(VectorOperators.GT, topMax);
            FloatVector k = ZERO.blend(ONE, topRight).blend(TWO.blend(THREE, bottomRight), bottom);
            evenLanes(k).intoArray(where, at);
        }
        return evenLanes(topMax.max(bottomMax));
    }

    /**
     * One image row's 16 gradient elements for 8 windows: the windows' gradients, the low lanes of
     * {@code g}, each spread over its pair of lanes and kept where {@code where} (from {@code at}) names
     * the lane's element ({@code chosen}: 0 and 1 for the top row, 2 and 3 for the bottom one).
     */
    private static FloatVector spread(FloatVector g, float[] where, int at, FloatVector chosen) {
        FloatVector k = FloatVector.fromArray(FLOATS, where, at).rearrange(SPREAD);
        return ZERO.blend(g.rearrange(SPREAD), k.compare(VectorOperators.EQ, chosen));
    }

    /**
     * Runs both passes, on buffers and on heap planes, on a small plane, every branch included, until C2
     * has compiled them. Until then each vector operation is an object that the interpreter and C1
     * allocate, a hundred times slower than C2's instructions, and a network's first batches would pay that
     * on full-size arrays. The calls stop once a round of them averages under {@link #COMPILED_NANOS}, or
     * after {@link #WARM_UP_ROUNDS} rounds.
     */
    static void warmUp(boolean nchw) {
        int h = 2;
        int w = 28;
        ByteBuffer in = ByteBuffer.allocateDirect(h * w * Float.BYTES).order(ORDER);
        ByteBuffer out = ByteBuffer.allocateDirect(h * w).order(ORDER);
        ByteBuffer dx = ByteBuffer.allocateDirect(h * w * Float.BYTES).order(ORDER);
        float[] plane = new float[h * w + SLACK];
        for (int i = 0; i < h * w; i++) {
            in.putFloat(i * Float.BYTES, (i * 7) % 5);
            plane[i] = (i * 7) % 5;
        }
        float[] where = new float[h * w / 4 + SLACK];
        float[] pooled = new float[h * w / 4 + SLACK];
        float[] gradient = new float[h * w + SLACK];
        int channels = 17;
        ByteBuffer nhwcIn = ByteBuffer.allocateDirect(4 * channels * Float.BYTES).order(ORDER);
        ByteBuffer nhwcOut = ByteBuffer.allocateDirect(channels * Float.BYTES).order(ORDER);
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            long start = System.nanoTime();
            for (int k = 0; k < CALLS_PER_ROUND; k++) {
                forwardNhwc(nhwcIn, nhwcOut, 1, 2, 2, channels);
                if (nchw) {
                    forward(in, out, (k & 1) == 0 ? where : null, 1, h, w);
                    backward(out, where, dx, 1, h, w);
                    forwardPlane(plane, 0, h, w, pooled, where, 0);
                    backwardPlane(pooled, where, 0, gradient, 0, h, w);
                }
            }
            if (System.nanoTime() - start < (long) COMPILED_NANOS * CALLS_PER_ROUND) {
                return;
            }
        }
    }

    private static final int CALLS_PER_ROUND = 250;
    private static final int WARM_UP_ROUNDS = 160;
    /** A warm-up call's time (five passes) between C2's and C1's for that plane, which differ some fiftyfold. */
    private static final int COMPILED_NANOS = 10_000;

    /** Whether the vector loops apply: vectors are 512 bits wide and there is a window. */
    static boolean usable(int h, int w) {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= FLOATS.vectorBitSize() && h >= 2 && w >= 2;
    }

    /** Lanes 0, 2, 4, ... of {@code v}, as a vector of half its length (the low float of each long). */
    private static FloatVector evenLanes(FloatVector v) {
        return ((IntVector) v.reinterpretAsLongs().convertShape(VectorOperators.L2I, IntVector.SPECIES_256, 0))
                .reinterpretAsFloats();
    }

    /** {@code count} windows of one row pair, from column {@code col} of the row starting at {@code top}. */
    private static void scalarForward(ByteBuffer in, ByteBuffer out, float[] where, int top, int w, int o, int count, int col) {
        for (int q = 0; q < count; q++) {
            int at = top + col + 2 * q;
            float a = in.getFloat(at * Float.BYTES);
            float b = in.getFloat((at + 1) * Float.BYTES);
            float c = in.getFloat((at + w) * Float.BYTES);
            float d = in.getFloat((at + w + 1) * Float.BYTES);
            float topMax = Math.max(a, b);
            float bottomMax = Math.max(c, d);
            if (where != null) {
                where[o + q] = bottomMax > topMax ? (d > c ? 3 : 2) : (b > a ? 1 : 0);
            }
            out.putFloat((o + q) * Float.BYTES, Math.max(topMax, bottomMax));
        }
    }

    private static void scalarBackward(ByteBuffer dy, float[] where, ByteBuffer dx, int row, int o, int count, int col, int r) {
        for (int q = 0; q < count; q++) {
            float g = dy.getFloat((o + q) * Float.BYTES);
            int k = (int) where[o + q];
            for (int s = 0; s < 2; s++) {
                dx.putFloat((row + col + 2 * q + s) * Float.BYTES, k == 2 * r + s ? g : 0f);
            }
        }
    }
}
