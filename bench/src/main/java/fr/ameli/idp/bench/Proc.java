package fr.ameli.idp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.stream.Stream;

/**
 * CPU and memory of processes, read from /proc (Linux). CPU is in clock ticks of {@code CLK_TCK} (100 per second
 * here), user + system time, all threads of the process.
 */
final class Proc {

    /** Ticks per second of the times in /proc/[pid]/stat (the kernel's USER_HZ, 100 on Linux x86). */
    static final long TICKS_PER_SECOND = 100;

    private Proc() {
    }

    /** Fields of /proc/[pid]/stat after the command name: index 0 is field 3 (state). */
    private static String[] stat(long pid) throws IOException {
        return fields(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** Fields of a stat line after the command name, which may hold spaces and parentheses. */
    private static String[] fields(String statLine) {
        return statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
    }

    /** utime + stime of stat fields. */
    private static long cpu(String[] f) {
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** User + system ticks of a process (all its threads), not of its children. */
    static long cpuTicks(long pid) {
        try {
            String[] f = stat(pid);
            return cpu(f);
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
    }

    /**
     * User + system ticks ever spent by a process and its children: its own, the live children's, and those of the
     * children that already exited (cutime + cstime, counted when the parent reaps them). The difference of two
     * readings is exactly the CPU the tree used in between, even when children come and go (PostgreSQL backends).
     */
    static long treeCpuTicks(long pid) {
        try {
            String[] f = stat(pid);
            long total = cpu(f) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            for (long child : children(pid)) {
                try {
                    String[] c = stat(child);
                    total += cpu(c);
                } catch (IOException gone) {
                    // exited between the listing and the read: its time is now in the parent's cutime/cstime
                }
            }
            return total;
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
    }

    static List<Long> children(long pid) {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong)
                    .filter(child -> {
                        try {
                            return Long.parseLong(stat(child)[1]) == pid;
                        } catch (IOException | RuntimeException gone) {
                            return false;
                        }
                    })
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The command name of a process (/proc/[pid]/comm), or an empty string once it is gone. */
    static String command(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (IOException gone) {
            return "";
        }
    }

    /** A thread's name (the kernel keeps 15 characters) and its user + system ticks so far. */
    record ThreadTicks(String name, long ticks) {
    }

    /** Every live thread of a process, by thread id, from /proc/[pid]/task/[tid]/stat. */
    static Map<Long, ThreadTicks> threadCpuTicks(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            Map<Long, ThreadTicks> threads = new HashMap<>();
            for (Path task : tasks.toList()) {
                try {
                    String line = Files.readString(task.resolve("stat"));
                    threads.put(Long.parseLong(task.getFileName().toString()), new ThreadTicks(
                            line.substring(line.indexOf('(') + 1, line.lastIndexOf(')')), cpu(fields(line))));
                } catch (IOException gone) {
                    // a thread that ended between the listing and the read
                }
            }
            return threads;
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
    }

    /** Resident set size in bytes (VmRSS). */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new IllegalStateException("no VmRSS for " + pid);
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
    }

    /** Sum of RSS of a process tree (PostgreSQL: postmaster and backends; shared buffers counted once per process). */
    static long treeRssBytes(long pid) {
        long total = rssBytes(pid);
        for (long child : children(pid)) {
            try {
                total += rssBytes(child);
            } catch (IllegalStateException gone) {
                // exited meanwhile
            }
        }
        return total;
    }

    static double ticksToMillis(long ticks) {
        return ticks * 1000.0 / TICKS_PER_SECOND;
    }
}
