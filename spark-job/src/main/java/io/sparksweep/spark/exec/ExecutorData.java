package io.sparksweep.spark.exec;

import io.sparksweep.core.data.Locations;
import io.sparksweep.core.data.MnistData;
import io.sparksweep.core.data.MnistFiles;
import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.data.PreparedData;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data sets of one JVM (an executor, or the launcher's own JVM in local mode): each is read once
 * from its location (a local path or any Hadoop file system URI: file:, hdfs:, s3a:) and shared by
 * every trial that runs here. Keyed by location and content hash, so changed files are read again.
 */
public final class ExecutorData {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorData.class);
    private static final Map<String, MnistData> RAW = new ConcurrentHashMap<>();
    private static final Map<String, PreparedData> PREPARED = new ConcurrentHashMap<>();

    private ExecutorData() {
    }

    /** The data set at {@code location}, read on first use. */
    public static MnistData load(String location) {
        return RAW.computeIfAbsent(location, ExecutorData::read);
    }

    /**
     * The data of a trial, normalised and split, checking that it is the content the driver planned
     * with ({@code expectedSha256}); a changed data set is read again, and must then match.
     */
    public static PreparedData prepared(DatasetSpec spec, String expectedSha256, long sweepSeed) {
        MnistData chosen = checked(spec, expectedSha256);
        return PREPARED.computeIfAbsent(PreparedData.key(chosen, spec, sweepSeed),
                k -> PreparedData.prepare(chosen, spec, sweepSeed));
    }

    /** The data of a refit ({@link PreparedData#prepareAll}: every training image, nothing held out), checked as {@link #prepared} is. */
    public static PreparedData preparedAll(DatasetSpec spec, String expectedSha256) {
        MnistData chosen = checked(spec, expectedSha256);
        return PREPARED.computeIfAbsent("all|" + PreparedData.key(chosen, spec, 0), k -> PreparedData.prepareAll(chosen, spec));
    }

    private static MnistData checked(DatasetSpec spec, String expectedSha256) {
        MnistData data = load(spec.location());
        if (!data.contentSha256().equals(expectedSha256)) {
            RAW.remove(spec.location(), data);
            data = load(spec.location());
            if (!data.contentSha256().equals(expectedSha256)) {
                throw new IllegalStateException("the data set at " + spec.location() + " changed since the sweep was planned (SHA-256 "
                        + data.contentSha256() + ", planned with " + expectedSha256 + ")");
            }
        }
        return data;
    }

    /** Whether this JVM already holds {@code spec}'s data prepared with {@code sweepSeed}. */
    public static boolean holdsPrepared(DatasetSpec spec, long sweepSeed) {
        MnistData data = RAW.get(spec.location());
        return data != null && PREPARED.containsKey(PreparedData.key(data, spec, sweepSeed));
    }

    private static MnistData read(String location) {
        long t0 = System.nanoTime();
        Path dir = new Path(Locations.toUri(location));
        try {
            FileSystem fs = dir.getFileSystem(new Configuration());
            List<Path> files = new ArrayList<>();
            for (String name : MnistFiles.fileNames(location, name -> exists(fs, new Path(dir, name)))) {
                files.add(new Path(dir, name));
            }
            MnistData data = MnistData.load(new MnistData.FileOpener() {
                @Override
                public InputStream open(int which) throws IOException {
                    return fs.open(files.get(which));
                }

                @Override
                public String name(int which) {
                    return files.get(which).toString();
                }
            });
            LOG.info("read data set {} ({} training, {} test images) in {} ms", location, data.train().size(),
                    data.test().size(), (System.nanoTime() - t0) / 1_000_000);
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read data set at " + location, e);
        }
    }

    private static boolean exists(FileSystem fs, Path p) {
        try {
            return fs.exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + p, e);
        }
    }
}
