package fr.ameli.idp.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A server started by the benchmark: its process, its log file, and how long it took to become ready. */
final class ServerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final long launchedAt;
    private final Path log;

    private ServerProcess(String name, Process process, long launchedAt, Path log) {
        this.name = name;
        this.process = process;
        this.launchedAt = launchedAt;
        this.log = log;
    }

    static ServerProcess launch(String name, List<String> command, Path workDir, Map<String, String> env, Path log)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        long launchedAt = System.nanoTime();
        return new ServerProcess(name, pb.start(), launchedAt, log);
    }

    /**
     * The server's JVM: the process launched, or the {@code java} process it started ({@code kc.sh} is a shell
     * script that ends by running Java).
     */
    long pid() {
        java.util.ArrayDeque<Long> queue = new java.util.ArrayDeque<>(List.of(process.pid()));
        while (!queue.isEmpty()) {
            long pid = queue.poll();
            if (Proc.command(pid).equals("java")) {
                return pid;
            }
            queue.addAll(Proc.children(pid));
        }
        throw new IllegalStateException(name + ": no java process under " + process.pid());
    }

    /** Polls {@code health} until it answers 200; returns the time from the launch of the process. */
    Duration awaitReady(URI health, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ": see " + log);
            }
            try {
                HttpResponse<Void> r = Browser.HTTP.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - launchedAt);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ": see " + log);
    }

    /** SIGTERM without waiting (several servers are then stopped at once). */
    void signalStop() {
        if (process.isAlive()) {
            process.destroy();
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited after 60 s. */
    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(60));
    }

    /**
     * SIGTERM, then SIGKILL if it has not exited within {@code grace}; returns the exit code (SIGKILL: -1). A
     * training run writes its AOT cache while it exits, which takes longer than a plain stop.
     */
    int stop(Duration grace) throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return -1;
            }
        }
        return process.exitValue();
    }
}
