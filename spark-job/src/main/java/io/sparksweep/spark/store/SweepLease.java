package io.sparksweep.spark.store;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/**
 * The right to run one sweep into one output: at most one {@code run} holds it at a time, so two runs of
 * the same sweep never write the same rows at once. A second run is told who holds it (host, pid, since
 * when) and exits, or waits with {@code --wait}. The lease is {@code OUTPUT/locks/sweep=NAME.lock}:
 * <ul>
 * <li>on a local or NFS file system, an operating-system lock on that file, which dies with its process:
 *     a lease is never left behind by a killed run;</li>
 * <li>on other file systems (HDFS, S3), the file itself, created only if absent and touched every
 *     {@value #HEARTBEAT_SECONDS} s; one whose process is gone (same host) or that has not been touched for
 *     {@value #STALE_SECONDS} s is taken over.</li>
 * </ul>
 */
public final class SweepLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SweepLease.class);
    static final int HEARTBEAT_SECONDS = 20;
    static final int STALE_SECONDS = 90;

    /** Who holds a lease. */
    public record Owner(String host, long pid, Instant since) {

        static Owner me() {
            return new Owner(hostName(), ProcessHandle.current().pid(), Instant.now());
        }

        String text() {
            return "host=" + host + "\npid=" + pid + "\nsince=" + since + "\n";
        }

        static Owner parse(String text) {
            Properties p = new Properties();
            try {
                p.load(new StringReader(text));
                return new Owner(p.getProperty("host", "?"), Long.parseLong(p.getProperty("pid", "-1")),
                        Instant.parse(p.getProperty("since", Instant.EPOCH.toString())));
            } catch (IOException | RuntimeException e) {
                return new Owner("?", -1, Instant.EPOCH);
            }
        }

        @Override
        public String toString() {
            return "pid " + pid + " on host " + host + " since " + since;
        }
    }

    /** Another run holds the lease. */
    public static final class HeldException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Owner owner;

        HeldException(String sweep, Path lease, Owner owner) {
            super("sweep " + sweep + " is being run into this output by " + owner + " (lease " + lease
                    + "); wait for that run to finish, or start this one with --wait");
            this.owner = owner;
        }

        public Owner owner() {
            return owner;
        }
    }

    private final Path path;
    private final FileSystem fs;
    private final FileChannel channel;
    private final FileLock lock;
    private final Thread heartbeat;

    private SweepLease(Path path, FileSystem fs, FileChannel channel, FileLock lock, Thread heartbeat) {
        this.path = path;
        this.fs = fs;
        this.channel = channel;
        this.lock = lock;
        this.heartbeat = heartbeat;
    }

    /**
     * Takes the lease of {@code sweep} in {@code store}'s output.
     *
     * @param wait how long to wait for a run that holds it (zero: not at all)
     * @throws HeldException when another run holds it past {@code wait}
     */
    public static SweepLease acquire(Leaderboard store, String sweep, Duration wait) {
        Path path = store.leaseFile(sweep);
        Instant until = Instant.now().plus(wait);
        boolean said = false;
        try {
            FileSystem fs = store.fileSystem(path);
            fs.mkdirs(path.getParent());
            while (true) {
                SweepLease lease = "file".equals(fs.getUri().getScheme()) ? tryLocal(path) : tryShared(fs, path);
                if (lease != null) {
                    return lease;
                }
                Owner owner = owner(fs, path);
                for (int i = 0; i < 10 && owner.pid() < 0; i++) {
                    // The holder has the lock but has not written its name yet.
                    Thread.sleep(50);
                    owner = owner(fs, path);
                }
                if (!Instant.now().isBefore(until)) {
                    throw new HeldException(sweep, path, owner);
                }
                if (!said) {
                    LOG.warn("sweep {}: waiting for {} to finish (lease {})", sweep, owner, path);
                    said = true;
                }
                Thread.sleep(1000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the lease of sweep " + sweep + " at " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the lease of sweep " + sweep, e);
        }
    }

    /** An operating-system lock on the file; the owner is written into it for the next run's message. */
    private static SweepLease tryLocal(Path path) throws IOException {
        java.nio.file.Path file = java.nio.file.Path.of(path.toUri());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            return null;
        }
        byte[] owner = Owner.me().text().getBytes(StandardCharsets.UTF_8);
        ch.truncate(0);
        ch.write(java.nio.ByteBuffer.wrap(owner), 0);
        ch.force(true);
        return new SweepLease(path, null, ch, lock, null);
    }

    /** The file, created only if absent; a stale one (its run gone, or silent too long) is taken over. */
    private static SweepLease tryShared(FileSystem fs, Path path) throws IOException {
        try (FSDataOutputStream out = fs.create(path, false)) {
            out.write(Owner.me().text().getBytes(StandardCharsets.UTF_8));
        } catch (FileAlreadyExistsException e) {
            if (stale(fs, path)) {
                LOG.warn("taking over the lease {} of {}: that run is gone", path, owner(fs, path));
                fs.delete(path, false);
            }
            return null;
        }
        Thread beat = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(HEARTBEAT_SECONDS * 1000L);
                    fs.setTimes(path, System.currentTimeMillis(), -1);
                } catch (InterruptedException ie) {
                    return;
                } catch (IOException ioe) {
                    LOG.warn("cannot touch the lease {}: {}", path, ioe.toString());
                }
            }
        }, "sweep-lease-heartbeat");
        beat.setDaemon(true);
        beat.start();
        return new SweepLease(path, fs, null, null, beat);
    }

    private static boolean stale(FileSystem fs, Path path) throws IOException {
        Owner o = owner(fs, path);
        if (o.host().equals(hostName()) && o.pid() > 0 && ProcessHandle.of(o.pid()).isEmpty()) {
            return true;
        }
        long age = System.currentTimeMillis() - fs.getFileStatus(path).getModificationTime();
        return age > STALE_SECONDS * 1000L;
    }

    private static Owner owner(FileSystem fs, Path path) {
        try (InputStream in = "file".equals(fs.getUri().getScheme())
                ? java.nio.file.Files.newInputStream(java.nio.file.Path.of(path.toUri())) : fs.open(path)) {
            return Owner.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Owner("?", -1, Instant.EPOCH);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        try {
            if (lock != null) {
                // The file stays (deleting it would race with a run that opens it to lock it); the lock goes.
                channel.truncate(0);
                lock.release();
                channel.close();
            } else {
                heartbeat.interrupt();
                fs.delete(path, false);
            }
        } catch (IOException e) {
            LOG.warn("cannot release the lease {}: {}", path, e.toString());
        }
    }
}
