package io.sparksweep.core.fastpath;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Swaps a network's layer objects for the fast path's, on the same configuration, parameters and
 * gradient views: only the objects change, so model files stay plain DL4J.
 */
final class LayerSwap {

    private LayerSwap() {
    }

    /** The object to stand in for {@code layers[i]}, or null to keep it. */
    interface Replacement {
        Layer replace(Layer[] layers, int i, DataType dataType);
    }

    /** Replaces the layers {@code replacement} gives a new object for; returns how many. */
    static int install(MultiLayerNetwork net, Replacement replacement) {
        Layer[] layers = net.getLayers();
        DataType dataType = net.getLayerWiseConfigurations().getDataType();
        int replaced = 0;
        for (int i = 0; i < layers.length; i++) {
            Layer layer = replacement.replace(layers, i, dataType);
            if (layer != null) {
                layers[i] = adopt(layers[i], layer);
                replaced++;
            }
        }
        net.setLayers(layers);
        return replaced;
    }

    /** Gives {@code layer} the listeners, index, parameters and gradient views of {@code old}. */
    private static Layer adopt(Layer old, Layer layer) {
        layer.setListeners(old.getListeners());
        layer.setIndex(old.getIndex());
        if (old.numParams() > 0) {
            layer.setParamsViewArray(old.params());
            layer.setParamTable(old.paramTable());
            if (old.getGradientsViewArray() != null) {
                layer.setBackpropGradientsViewArray(old.getGradientsViewArray());
            }
        }
        return layer;
    }
}
