package io.sparksweep.spark.cli;

import io.sparksweep.core.Engine;
import picocli.CommandLine;

/** {@code sparksweep --version}. */
final class Versions implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[]{"sparksweep " + Engine.VERSION, "Java " + Runtime.version(),
                "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()};
    }
}
