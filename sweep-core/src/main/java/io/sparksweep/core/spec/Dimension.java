package io.sparksweep.core.spec;

/** The hyperparameters a sweep can search over, by their sweep-file keys. */
public enum Dimension {
    LEARNING_RATE("learning_rate"),
    BATCH_SIZE("batch_size"),
    OPTIMIZER("optimizer"),
    ARCHITECTURE("architecture"),
    DROPOUT("dropout"),
    WEIGHT_DECAY("weight_decay");

    private final String key;

    Dimension(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
