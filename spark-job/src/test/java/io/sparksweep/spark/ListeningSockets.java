package io.sparksweep.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The TCP sockets a process listens on, read from Linux's /proc (no ss or netstat needed). */
final class ListeningSockets {

    private ListeningSockets() {
    }

    /** A listening socket: its local address in /proc's hex form and whether it is loopback only. */
    record Socket(String address, int port, boolean loopback) {
    }

    static List<Socket> of(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException gone) {
                    // the descriptor closed meanwhile
                }
            }
        }
        List<Socket> out = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // f[1] local address:port, f[3] state (0A = LISTEN), f[9] inode
                if (f[3].equals("0A") && inodes.contains(f[9])) {
                    String[] addr = f[1].split(":");
                    out.add(new Socket(addr[0], Integer.parseInt(addr[1], 16),
                            addr[0].equals("0100007F") || addr[0].equals("0000000000000000FFFF00000100007F")
                                    || addr[0].equals("00000000000000000000000001000000")));
                }
            }
        }
        return out;
    }
}
