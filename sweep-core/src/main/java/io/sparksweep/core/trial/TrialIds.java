package io.sparksweep.core.trial;

import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.spec.TrainingSpec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content-derived trial ids and seeds: the same trial in a rerun gets the same id and seed. */
public final class TrialIds {

    private TrialIds() {
    }

    /** 16 hex digits of SHA-256 over everything that determines the trial's result. */
    public static String id(String sweepName, long sweepSeed, TrialParams params, TrainingSpec training, DatasetSpec dataset) {
        String content = sweepName + "\n" + sweepSeed + "\n" + params.canonical() + "\n" + training.canonical() + "\n" + dataset.canonical();
        return HexFormat.of().formatHex(sha256(content.getBytes(StandardCharsets.UTF_8)), 0, 8);
    }

    /** A seed mixed from the sweep seed and the trial's parameters (not its position, which changes with the grid). */
    public static long seed(long sweepSeed, TrialParams params) {
        byte[] h = sha256((sweepSeed + "|" + params.canonical()).getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(h, 0, 8).getLong() & Long.MAX_VALUE;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
