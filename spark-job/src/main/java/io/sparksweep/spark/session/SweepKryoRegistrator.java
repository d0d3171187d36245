package io.sparksweep.spark.session;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.spark.exec.RefitTask;
import io.sparksweep.spark.exec.TrialOutcome;
import io.sparksweep.spark.exec.Work;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class the engine ships through Spark's serializer. Kryo 4 (Spark 3.5's) cannot
 * take Java records apart, so records travel whole through Java serialization inside Kryo.
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
    }
}
