package io.sparksweep.spark.exec;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * Binds the training thread of a task to the device it was given and names that device for the
 * leaderboard row. Spark's resource-aware scheduling gives a task its GPU addresses in
 * {@code TaskContext.resources()} (cluster mode); in local mode the engine's {@link DevicePool}
 * leases one. On the CPU backend nothing is bound and the row says {@code cpu}, with the GPU address
 * the task was given when it had one.
 */
interface DeviceBinding {

    /** Binds the calling thread to {@code address} (null: no GPU given) and returns the row's device text. */
    String bind(String address);

    /** The GPU address Spark gave the running task, or null. */
    static String sparkAddress() {
        TaskContext ctx = TaskContext.get();
        if (ctx == null) {
            return null;
        }
        ResourceInformation gpu = ctx.resources().get("gpu").getOrElse(() -> null);
        return gpu == null || gpu.addresses().length == 0 ? null : gpu.addresses()[0];
    }

    /** The binding for the ND4J backend in use. */
    static DeviceBinding forBackend() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        return backend.toLowerCase(Locale.ROOT).contains("cuda") ? new Cuda() : new Cpu();
    }

    /** The CPU backend: there is nothing to bind. */
    final class Cpu implements DeviceBinding {
        @Override
        public String bind(String address) {
            return address == null ? "cpu" : "cpu (gpu:" + address + " assigned)";
        }
    }

    /** The CUDA backend: ND4J's current device for this thread becomes the given GPU. */
    final class Cuda implements DeviceBinding {
        @Override
        public String bind(String address) {
            if (address == null) {
                return "gpu:" + Nd4j.getAffinityManager().getDeviceForCurrentThread() + " (default)";
            }
            int device = Integer.parseInt(address.trim());
            Nd4j.getAffinityManager().unsafeSetDevice(device);
            return "gpu:" + device + name(device);
        }

        /** The device's name from ND4J's environment information (" (NVIDIA H100 ...)"), or nothing. */
        private static String name(int device) {
            try {
                Object devices = Nd4j.getExecutioner().getEnvironmentInformation().get("cuda.devicesInformation");
                if (devices instanceof java.util.List<?> list && device < list.size()
                        && list.get(device) instanceof java.util.Map<?, ?> info && info.get("cuda.deviceName") != null) {
                    return " (" + info.get("cuda.deviceName") + ")";
                }
            } catch (RuntimeException e) {
                // A name is a label only; the binding stands without it.
            }
            return "";
        }
    }
}
