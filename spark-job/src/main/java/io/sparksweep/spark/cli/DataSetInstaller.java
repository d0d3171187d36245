package io.sparksweep.spark.cli;

import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.spec.Problem;
import io.sparksweep.core.spec.SweepFileException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * When a sweep needs Fashion-MNIST from its Debian folder and it is missing: says how to get it, and
 * where this runs as root on Debian, installs it (after saying so).
 */
final class DataSetInstaller {

    static final String PACKAGE = "dataset-fashion-mnist";

    private DataSetInstaller() {
    }

    static boolean needsFashionMnist(SweepFileException e) {
        return e.problems().stream().map(Problem::found).anyMatch(f -> f.equals('"' + DatasetSpec.DEFAULT_LOCATION + '"'))
                && !Files.isDirectory(Path.of(DatasetSpec.DEFAULT_LOCATION));
    }

    /** Installs the package when possible; returns whether it is there now. */
    static boolean tryInstall(PrintWriter err) {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
        if (!root || !apt) {
            err.println("sparksweep: Fashion-MNIST is missing from " + DatasetSpec.DEFAULT_LOCATION + ". On Debian or Ubuntu:");
            err.println("  sudo apt-get update && sudo apt-get install -y " + PACKAGE);
            err.println("or point dataset.location in the sweep file at a folder with the four IDX files.");
            return false;
        }
        err.println("sparksweep: Fashion-MNIST is missing; installing Debian's " + PACKAGE + " (apt-get update && apt-get install -y " + PACKAGE + ") ...");
        err.flush();
        return exec("apt-get", "update", "-qq") && exec("apt-get", "install", "-y", "-qq", PACKAGE)
                && Files.isDirectory(Path.of(DatasetSpec.DEFAULT_LOCATION));
    }

    private static boolean exec(String... command) {
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
