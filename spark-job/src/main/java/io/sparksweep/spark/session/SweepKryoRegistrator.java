package io.sparksweep.spark.session;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.spark.exec.RefitTask;
import io.sparksweep.spark.exec.TrialOutcome;
import io.sparksweep.spark.exec.Work;
import org.apache.spark.serializer.KryoRegistrator;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingAggregationTuple;
import org.nd4j.kryo.Nd4jSerializer;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Registers every class the engine ships through Spark's serializer. Kryo 4 (Spark 3.5's) cannot
 * take Java records apart, so records travel whole through Java serialization inside Kryo. A data-parallel
 * refit ships dl4j-spark's objects too: the network broadcast to the workers and their results travel
 * through Java serialization (INDArray's writes its buffer), and an INDArray alone through ND4J's Kryo
 * serializer (Kryo's own cannot reach its off-heap buffer). ND4J's array classes are named, not loaded
 * through ND4J, so that a command that trains nothing does not load ND4J's native library.
 */
public final class SweepKryoRegistrator implements KryoRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(Work.class, new JavaSerializer());
        kryo.register(TrialSpec.class, new JavaSerializer());
        kryo.register(TrialOutcome.class, new JavaSerializer());
        kryo.register(RefitTask.Outcome.class, new JavaSerializer());
        kryo.register(RefitTask.Outcome[].class);
        kryo.register(Work[].class);
        kryo.register(TrialSpec[].class);
        kryo.register(TrialOutcome[].class);
        kryo.register(Object[].class);

        kryo.register(DataSet.class, new JavaSerializer());
        kryo.register(NetBroadcastTuple.class, new JavaSerializer());
        kryo.register(ParameterAveragingTrainingResult.class, new JavaSerializer());
        kryo.register(ParameterAveragingAggregationTuple.class, new JavaSerializer());
        for (String array : ND4J_ARRAYS) {
            try {
                kryo.register(Class.forName(array, false, SweepKryoRegistrator.class.getClassLoader()), new Nd4jSerializer());
            } catch (ClassNotFoundException e) {
                // that backend is not on the classpath
            }
        }
    }

    /** INDArray's classes in ND4J's CPU and CUDA backends. */
    private static final String[] ND4J_ARRAYS = {"org.nd4j.linalg.cpu.nativecpu.NDArray", "org.nd4j.linalg.jcublas.JCublasNDArray"};
}
