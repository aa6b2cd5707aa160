package fr.ameli.idp.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Flight recordings of the product during a measured window (option {@code --jfr}: recording costs CPU, so those
 * runs are for finding where the time goes, not for the comparison), and a summary of their CPU samples.
 */
final class Jfr {

    private Jfr() {
    }

    static void start(long pid, String name) throws IOException, InterruptedException {
        // -Dbench.jfrSettings=FILE.jfc: another configuration (e.g. the CPU-time sampler of JDK 25, jdk.CPUTimeSample).
        jcmd(pid, "JFR.start", "name=" + name, "settings=" + System.getProperty("bench.jfrSettings", "profile"));
    }

    static void stop(long pid, String name, Path file) throws IOException, InterruptedException {
        jcmd(pid, "JFR.stop", "name=" + name, "filename=" + file.toAbsolutePath());
    }

    /** Runs {@code jcmd <pid> args…}; returns its output. */
    static String jcmd(long pid, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", args) + ": " + out);
        }
        return out;
    }

    /**
     * The methods most often on top of the stack in CPU samples (self time), and the application methods
     * ({@code fr.ameli}) most often found anywhere in a sampled stack (inclusive time).
     */
    static String summary(Path file, int top) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> appInclusive = new HashMap<>();
        Map<String, Integer> packages = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            RecordedFrame leaf = stack.getFrames().getFirst();
            self.merge(name(leaf), 1, Integer::sum);
            String type = leaf.getMethod().getType().getName();
            int dot = type.lastIndexOf('.');
            packages.merge(dot < 0 ? type : type.substring(0, dot), 1, Integer::sum);
            stack.getFrames().stream().map(Jfr::name).filter(n -> n.startsWith("fr.ameli")).distinct()
                    .forEach(n -> appInclusive.merge(n, 1, Integer::sum));
        }
        int total = samples;
        StringBuilder s = new StringBuilder();
        s.append(total).append(" CPU samples.\n\nTop frames (self):\n\n");
        s.append(table(self, total, top));
        s.append("\nTop packages of the top frame (self):\n\n").append(table(packages, total, top));
        s.append("\nApplication methods on the stack (inclusive):\n\n").append(table(appInclusive, total, top));
        return s.toString();
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String table(Map<String, Integer> counts, int total, int top) {
        return "| % | samples | method |\n|---:|---:|---|\n" + counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .map(e -> String.format(java.util.Locale.ROOT, "| %.1f | %d | `%s` |", 100.0 * e.getValue() / total,
                        e.getValue(), e.getKey()))
                .collect(Collectors.joining("\n")) + "\n";
    }
}
