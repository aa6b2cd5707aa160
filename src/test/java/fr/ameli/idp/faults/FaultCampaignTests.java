package fr.ameli.idp.faults;

import static fr.ameli.idp.registry.TestInsuredPersons.eligible;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import fr.ameli.idp.fuzz.Quality;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.registry.TestInsuredPersons;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults under load (issue 12 item 4). Two instances of the service, each a JVM of its own started from the main
 * classes and runtime libraries ({@code java -cp ... fr.ameli.idp.IdpApplication}), on one embedded PostgreSQL and
 * one SMTP server that this test owns, under a bounded mixed load ({@code faults.workers} workers: logins through
 * consent to a redeemed code, SSO on the session, enrollments through the app API to the « check your mailbox »
 * step; each request on either instance in rotation) for {@code faults.load-seconds} (default 120 s, and at least
 * 10 s past the last fault). During it, one after the other: instance A is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) and started again, PostgreSQL is stopped and started again on the same data
 * directory and port, and the SMTP server is stopped for {@code faults.smtp-down-seconds} (30 s).
 *
 * <p>Afterwards: every enrollment that reached « check your mailbox » has its account and exactly one activation
 * mail (or two with one Message-ID, when the killed instance handed it to SMTP the instant it was killed, or the SMTP
 * server stored it the instant it was stopped, before its acceptance could reach the instance); no authorization code was redeemed twice; no 5xx outside the PostgreSQL restart window (from its stop to
 * both instances ready and serving again); both instances ready again within the bounds (times measured). Figures:
 * {@code target/quality/faults.txt}; instance logs: {@code target/faults/}.
 */
@Tag("faults")
class FaultCampaignTests {

    static final int LOAD_SECONDS = Integer.getInteger("faults.load-seconds", 120);
    static final int SMTP_DOWN_SECONDS = Integer.getInteger("faults.smtp-down-seconds", 30);
    static final int WORKERS = Integer.getInteger("faults.workers", 4);
    /** The instances' SMTP connections at most ({@code idp.mail.smtp-threads}, config/application.yml). */
    static final int SMTP_THREADS = 2;
    /** Generous bounds on the recoveries (measured ones are printed): a JVM start on a busy 2-core CI machine... */
    static final Duration STARTUP = Duration.ofSeconds(Integer.getInteger("faults.max-startup-seconds", 150));
    /** ...and the pool's return to PostgreSQL once it is back. */
    static final Duration DATABASE_RECOVERY = Duration.ofSeconds(Integer.getInteger("faults.max-database-recovery-seconds", 30));
    static final String DEMO_NIR = "2850575112034";
    static final String DEMO_PASSWORD = "Ameli-Demo-2026";
    static final String CALLBACK = "http://localhost:9876/callback";
    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
            "demo-rp:demo-rp-secret-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8));
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    static final Pattern STEP = Pattern.compile("\"step\":\"([^\"]+)\"");
    static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    static final Path WORK = Path.of("target", "faults").toAbsolutePath();
    /** The instances run the main classes and their runtime libraries: the test classes stay out. */
    static final String CLASSPATH = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .filter(entry -> !Path.of(entry).toAbsolutePath().normalize().endsWith(Path.of("target", "test-classes")))
            .collect(Collectors.joining(java.io.File.pathSeparator));
    static final String PAIRWISE_SECRET = Secrets.newHandle() + Secrets.newHandle();
    static final String ENCRYPTION_KEY = Base64.getEncoder().encodeToString(Secrets.sha256(Secrets.newHandle()));
    /** PKCE is required of every client by default: one verifier for the whole load. */
    static final String CODE_VERIFIER = Secrets.newHandle() + Secrets.newHandle();
    static final String CODE_CHALLENGE = fr.ameli.idp.oidc.shared.Pkce.s256(CODE_VERIFIER);

    EmbeddedPostgres pg;
    int pgPort;
    volatile GreenMail smtp;
    int smtpPort;
    final List<StoredMessage> received = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Instance> instances = new LinkedHashMap<>();

    final long t0 = System.nanoTime();
    final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Long> serverErrors = new ConcurrentLinkedQueue<>();
    final AtomicLong requests = new AtomicLong();
    final Map<String, AtomicInteger> requestsByFlow = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String[]> mailboxPages = new ConcurrentLinkedQueue<>();
    final AtomicInteger codesRedeemed = new AtomicInteger();
    final AtomicInteger codesRedeemedTwice = new AtomicInteger();
    final AtomicInteger people = new AtomicInteger();
    volatile boolean loadOver;
    /** Seconds from a fault's end (process started, PostgreSQL back) to the instance ready again. */
    final Map<String, Double> recoveries = new LinkedHashMap<>();
    volatile long pgWindowStart = Long.MAX_VALUE;
    volatile long pgWindowEnd = Long.MAX_VALUE;
    final Map<String, String> figures = new LinkedHashMap<>();

    /** One service instance: its process, HTTP port and management port. */
    final class Instance {
        final String name;
        final int port;
        final int management;
        volatile Process process;
        /** As a load balancer sees it: taken out when killed, put back once ready again. */
        volatile boolean inRotation = true;

        Instance(String name) throws IOException {
            this.name = name;
            this.port = freePort();
            this.management = freePort();
        }

        void start() throws IOException {
            List<String> command = service("-Xmx384m");
            command.addAll(List.of(
                    "--server.port=" + port, "--management.server.port=" + management, "--idp.issuer=http://localhost:" + port,
                    "--spring.mail.host=127.0.0.1", "--spring.mail.port=" + smtpPort,
                    "--idp.demo.enabled=true", "--idp.demo.registry=file:" + WORK.resolve("registry.csv"),
                    // mails: polled often, retried quickly and re-leased soon after a killed instance, so that the
                    // campaign ends with its mails delivered within minutes (production: 2 s, 5 s..10 min, 2 min)
                    "--idp.mail.poll-interval=250ms", "--idp.mail.initial-backoff=1s", "--idp.mail.max-backoff=5s",
                    "--idp.mail.lease=15s", "--idp.security.hashing-threads=1",
                    "--logging.level.root=WARN", "--logging.level.fr.ameli.idp=WARN",
                    // the start's line, which says whether the context is the AOT-processed one
                    "--logging.level.fr.ameli.idp.IdpApplication=INFO"));
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(WORK.resolve("instance-" + name + ".log").toFile()))
                    .start();
        }

        String base() {
            return "http://localhost:" + port;
        }

        boolean ready() {
            try {
                HttpResponse<String> r = probe.send(HttpRequest.newBuilder(URI.create("http://localhost:" + management
                        + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }

        /** Seconds until ready, polled every 100 ms; fails after {@code max} or when the process has ended. */
        double awaitReady(Duration max) {
            long start = System.nanoTime();
            await("instance " + name + " ready (see " + WORK + "/instance-" + name + ".log)").atMost(max)
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                    .failFast("instance " + name + " exited (see " + WORK + "/instance-" + name + ".log)",
                            () -> !process.isAlive())
                    .until(this::ready);
            return (System.nanoTime() - start) / 1e9;
        }
    }

    final HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    /** The load's client: no redirect followed (each hop is a request of the count), cookies kept per flow. */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void mixedLoadWhenInstanceKilledDatabaseRestartedAndSmtpStoppedThenNothingLost() throws Exception {
        prepare();
        Instance a = new Instance("A");
        Instance b = new Instance("B");
        instances.put("A", a);
        instances.put("B", b);
        // Both start at once, as a rolling deployment's first replicas would (Flyway's lock serialises the migration).
        a.start();
        b.start();
        figures.put("instance A first start to ready (s)", fmt(a.awaitReady(STARTUP)));
        figures.put("instance B first start to ready (s)", fmt(b.awaitReady(STARTUP)));
        for (String name : List.of("A", "B")) {
            assertThat(Files.readString(WORK.resolve("instance-" + name + ".log")))
                    .as("instance %s started on Spring AOT's bean definitions (the production mode)", name)
                    .contains("Starting AOT-processed IdpApplication");
        }
        assertThat(importRegistry()).as("the registry import's exit code, started as the image starts it (see "
                + WORK + "/import.log)").isZero();
        rememberDemoDevice();

        long loadStart = System.nanoTime();
        loadStartMillis = System.currentTimeMillis();
        CountDownLatch done = new CountDownLatch(WORKERS);
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            Thread.ofPlatform().name("load-" + w).start(() -> {
                try {
                    work(worker);
                } finally {
                    done.countDown();
                }
            });
        }

        // The faults, at fixed fractions of the load, one after the other (a fault waits for the recovery from the one
        // before: an instance cannot start while PostgreSQL is down, Flyway needs it).
        sleepUntil(loadStart, LOAD_SECONDS * 0.10);
        killedAtMillis = System.currentTimeMillis();
        a.process.destroyForcibly(); // SIGKILL
        a.process.waitFor();
        a.inRotation = false; // the load balancer's next probe fails: requests in flight were lost meanwhile
        figures.put("instance A killed (SIGKILL) at (s)", fmt(since(loadStart)));
        sleepUntil(loadStart, LOAD_SECONDS * 0.10 + 3);
        a.start();
        double restarted = a.awaitReady(STARTUP);
        recoveries.put("instance A, started again 3 s after its SIGKILL: start to ready", restarted);
        a.inRotation = true;

        sleepUntil(loadStart, LOAD_SECONDS * 0.35);
        pgWindowStart = System.nanoTime();
        pg.close();
        figures.put("PostgreSQL stopped at (s)", fmt(since(loadStart)));
        long pgStart = System.nanoTime();
        pg = startPostgres(false);
        figures.put("PostgreSQL stop and start took (s)", fmt((System.nanoTime() - pgWindowStart) / 1e9));
        // Ready again: both readiness probes (r2dbc included) answer UP and a database-backed request is served.
        for (Instance instance : List.of(a, b)) {
            instance.awaitReady(DATABASE_RECOVERY);
            awaitDatabaseRequests(instance);
            recoveries.put("instance " + instance.name + ", PostgreSQL back: to ready and serving", since(pgStart));
        }
        pgWindowEnd = System.nanoTime();
        figures.put("PostgreSQL restart window, stop to both instances serving again (s)", fmt((pgWindowEnd - pgWindowStart) / 1e9));

        sleepUntil(loadStart, LOAD_SECONDS * 0.55);
        smtpStopMillis = System.currentTimeMillis();
        stopSmtp();
        smtpStoppedMillis = System.currentTimeMillis();
        figures.put("SMTP stopped at (s)", fmt(since(loadStart)));
        Thread.sleep(TimeUnit.SECONDS.toMillis(SMTP_DOWN_SECONDS));
        smtp = startSmtp();
        figures.put("SMTP started again at (s)", fmt(since(loadStart)));

        // The load goes on for LOAD_SECONDS, and at least 10 s past the last fault.
        sleepUntil(loadStart, Math.max(LOAD_SECONDS, since(loadStart) + 10));
        loadOver = true;
        assertThat(done.await(60, TimeUnit.SECONDS)).as("load workers finished").isTrue();
        figures.put("load duration (s)", fmt(since(loadStart)));
        for (Instance instance : List.of(a, b)) {
            assertThat(instance.ready()).as("instance %s ready after the campaign", instance.name).isTrue();
        }

        // Mails: wait until the outbox has nothing left to send, then count per address.
        long drain = System.nanoTime();
        try {
            await("outbox drained").atMost(Duration.ofSeconds(120)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(500)).until(() -> unsentMails() == 0);
        } catch (ConditionTimeoutException e) {
            // Not a failure by itself: verifyAndReport counts and names the mails that were never sent.
        }
        Thread.sleep(1000);
        figures.put("outbox drained after the load in (s)", fmt(since(drain)));
        collectMail();
        verifyAndReport();
    }

    // ---- load -------------------------------------------------------------------------------------------------------

    void work(int worker) {
        Random random = new Random(worker);
        Flow sso = null;
        while (!loadOver) {
            int pick = random.nextInt(4);
            try {
                if (pick < 2) {
                    enroll(random);
                } else if (pick == 2 || sso == null) {
                    sso = new Flow("login (authorize, password, consent, token)", random);
                    login(sso);
                } else {
                    sso(sso);
                }
            } catch (FlowAborted aborted) {
                if (pick >= 2) {
                    sso = null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The operator's registry import ({@code --import-registry}), as the image runs it: with
     * {@code -Dspring.aot.enabled=true} on the command line, which the import turns off for itself (its context is
     * not the web service's). The campaign's registry again; it must exit with 0.
     */
    int importRegistry() throws IOException, InterruptedException {
        List<String> command = service("-Xmx256m");
        command.addAll(List.of("--import-registry=" + WORK.resolve("registry.csv"), "--logging.level.root=WARN"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(WORK.resolve("import.log").toFile()).start();
        if (!process.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the registry import did not exit within " + STARTUP + " (see " + WORK + "/import.log)");
        }
        return process.exitValue();
    }

    /**
     * The service's JVM as the image starts it (spring.aot.enabled: the bean definitions Spring AOT computed at build
     * time for the production configuration; pom.xml, process-aot, bound before the tests), on the campaign's
     * PostgreSQL, with real secrets (an external database: SecretsGuard), the same for every process.
     */
    List<String> service(String heap) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ArrayList<>(List.of(java, heap, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-Dspring.aot.enabled=true", "-cp", CLASSPATH, "fr.ameli.idp.IdpApplication",
                "--spring.r2dbc.url=r2dbc:postgresql://localhost:" + pgPort + "/postgres", "--spring.r2dbc.username=postgres",
                "--spring.r2dbc.password=", "--spring.flyway.url=jdbc:postgresql://localhost:" + pgPort + "/postgres",
                "--spring.flyway.user=postgres", "--spring.flyway.password=",
                "--idp.subject.pairwise-secret=" + PAIRWISE_SECRET, "--idp.keys.encryption-key=" + ENCRYPTION_KEY));
    }

    /** A person's browser or app: a cookie jar shared by both instances (one host), a client address of its own. */
    final class Flow {
        final Map<String, String> cookies = new LinkedHashMap<>();
        final String address;
        final Random random;
        /** What the requests are counted as: the flow the browser is in. */
        String kind;
        String page = "";

        Flow(String kind, Random random) {
            this.kind = kind;
            this.random = random;
            int n = people.incrementAndGet();
            this.address = "198.19." + (n >> 8 & 0xff) + "." + (n & 0xff);
        }

        /** Either instance, as a load balancer would pick one: among those in rotation. */
        Instance any() {
            List<Instance> all = instances.values().stream().filter(i -> i.inRotation).toList();
            if (all.isEmpty()) {
                all = List.copyOf(instances.values());
            }
            return all.get(random.nextInt(all.size()));
        }

        HttpResponse<String> send(Instance on, String method, String path, String contentType, String body, String authorization)
                throws InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(on.base() + path)).timeout(Duration.ofSeconds(20))
                    .header("X-Forwarded-For", address);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            if (!cookies.isEmpty()) {
                request.header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                        .collect(Collectors.joining("; ")));
            }
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            requests.incrementAndGet();
            requestsByFlow.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
            HttpResponse<String> response;
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException e) {
                count("error: timeout (20 s)");
                throw new FlowAborted();
            } catch (IOException e) {
                count(e instanceof java.net.ConnectException ? "error: connection refused (instance down)" : "error: connection lost");
                throw new FlowAborted();
            }
            if (response.statusCode() >= 500) {
                serverErrors.add(System.nanoTime());
                count("error: 5xx " + response.statusCode());
                throw new FlowAborted();
            }
            count("answer: " + response.statusCode() / 100 + "xx");
            for (String set : response.headers().allValues("Set-Cookie")) {
                String pair = set.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                if (value.isEmpty() || set.toLowerCase(java.util.Locale.ROOT).contains("max-age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
                page = response.body();
            }
            return response;
        }

        HttpResponse<String> get(Instance on, String path) throws InterruptedException {
            return send(on, "GET", path, null, null, null);
        }

        HttpResponse<String> form(Instance on, String path, Map<String, String> fields) throws InterruptedException {
            Map<String, String> all = new LinkedHashMap<>(fields);
            Matcher m = CSRF.matcher(page);
            if (m.find()) {
                all.put("_csrf", m.group(1));
            }
            return send(on, "POST", path, "application/x-www-form-urlencoded", encode(all), null);
        }

        HttpResponse<String> json(Instance on, String path, String body) throws InterruptedException {
            return send(on, "POST", path, "application/json", body, null);
        }
    }

    /** Thrown when a flow cannot go on (an instance down, a 5xx, an unexpected answer): counted, not retried. */
    static final class FlowAborted extends RuntimeException {
        FlowAborted() {
            super(null, null, false, false);
        }
    }

    void enroll(Random random) throws InterruptedException {
        Flow flow = new Flow("enrollment (app API to « check your mailbox »)", random);
        String nir = nextPerson();
        String email = "fault-" + nir + "@example.fr";
        HttpResponse<String> started = flow.json(flow.any(), "/api/v1/enrollments", "");
        String id = match(ID, started.body(), "enrollment id");
        String base = "/api/v1/enrollments/" + id + "/";
        expectStep(flow.json(flow.any(), base + "identite", "{\"nom\":\"Panne\",\"nir\":\"" + nir
                + "\",\"dateNaissance\":\"01/01/1980\",\"codePostal\":\"44000\"}"), "verification");
        expectStep(flow.json(flow.any(), base + "verification", "{\"iban7\":\"3024474\",\"carteVitale11\":\""
                + ("80250099" + nir.substring(0, 10) + "00").substring(9) + "\"}"), "cgu");
        expectStep(flow.json(flow.any(), base + "cgu", "{\"decision\":\"accepter\"}"), "mot-de-passe");
        expectStep(flow.json(flow.any(), base + "mot-de-passe", "{\"motDePasse\":\"Panne-Sous+Charge9\",\"confirmation\":\"Panne-Sous+Charge9\"}"),
                "coordonnees");
        expectStep(flow.json(flow.any(), base + "coordonnees", "{\"email\":\"" + email + "\",\"emailConfirmation\":\"" + email
                + "\",\"consentementEmail\":\"oui\"}"), "confirmation-email");
        mailboxPages.add(new String[] {nir, email});
        count("completed: enrollment to « check your mailbox »");
    }

    void login(Flow flow) throws InterruptedException {
        flow.cookies.put("AMELI_DEVICE", deviceToken);
        Instance on = flow.any();
        HttpResponse<String> toLogin = flow.get(on, authorize());
        String login = location(toLogin);
        flow.get(on, login);
        HttpResponse<String> after = flow.form(flow.any(), "/login", Map.of("nir", DEMO_NIR, "password", DEMO_PASSWORD,
                "auth", query(login, "auth")));
        String next = location(after);
        if (next.startsWith("/consent")) {
            Instance other = flow.any();
            flow.get(other, next);
            next = location(flow.form(other, "/consent", Map.of("auth", query(next, "auth"), "decision", "accepter")));
        }
        redeemTwice(flow, next);
        count("completed: login to a redeemed code");
    }

    void sso(Flow flow) throws InterruptedException {
        flow.kind = "SSO (authorize with the session, token)";
        String callback = location(flow.get(flow.any(), authorize()));
        redeemTwice(flow, callback);
        count("completed: SSO to a redeemed code");
    }

    /** Redeems the code on one instance, then tries again on either: the second time must be refused. */
    void redeemTwice(Flow flow, String callback) throws InterruptedException {
        if (!callback.startsWith(CALLBACK + "?code=")) {
            count("error: flow deviated: " + callback.replaceAll("\\?.*", ""));
            throw new FlowAborted();
        }
        String code = query(callback, "code");
        String body = encode(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", CALLBACK,
                "code_verifier", CODE_VERIFIER));
        HttpResponse<String> first = flow.send(flow.any(), "POST", "/token", "application/x-www-form-urlencoded", body, BASIC);
        if (first.statusCode() == 200) {
            codesRedeemed.incrementAndGet();
        }
        HttpResponse<String> second = flow.send(flow.any(), "POST", "/token", "application/x-www-form-urlencoded", body, BASIC);
        if (second.statusCode() == 200 && first.statusCode() == 200) {
            codesRedeemedTwice.incrementAndGet();
        }
        if (first.statusCode() != 200) {
            count("error: code refused at first redemption: " + first.statusCode() + " " + first.body().replaceAll("(?s).*\"error\":\"([^\"]*)\".*", "$1"));
            throw new FlowAborted();
        }
    }

    void expectStep(HttpResponse<String> response, String step) {
        Matcher m = STEP.matcher(response.body());
        if (response.statusCode() != 200 || !m.find() || !m.group(1).equals(step)) {
            count("error: flow deviated: " + response.statusCode() + " before " + step);
            throw new FlowAborted();
        }
    }

    /**
     * The deliveries twice that the outbox cannot prevent (there is no two-phase commit with an SMTP server): the
     * instance that handed the mail to the SMTP server was killed before it could record it as sent, so another
     * instance sent it again once the lease ran out; or the SMTP server stored the mail and was stopped before its
     * « 250 » reached the instance (RFC 1047), so the instance tried again once the server was back. Either way with the
     * same Message-ID, by which the receiving side recognises it. Anything else (a third copy, another Message-ID, a
     * first copy not at the kill or the stop) is a duplicate. Each fault can cause at most one per SMTP connection
     * open at that instant (verifyAndReport bounds them). A server that goes away after its « 250 », while the
     * connection closes, must not cause one (MailSenderTests: such a duplicate would look like the stop's here).
     *
     * @return {@code "kill"}, {@code "smtp stop"}, or null when the copies are not such a redelivery
     */
    private @org.jspecify.annotations.Nullable String redeliveredAfterAFault(List<StoredMessage> copies) throws Exception {
        if (copies.size() != 2) {
            return null;
        }
        String first = copies.get(0).getMimeMessage().getMessageID();
        if (first == null || !first.equals(copies.get(1).getMimeMessage().getMessageID())) {
            return null;
        }
        long firstReceived = Math.min(copies.get(0).getReceivedDate().getTime(), copies.get(1).getReceivedDate().getTime());
        if (firstReceived >= killedAtMillis - 2_000 && firstReceived <= killedAtMillis + 500) {
            return "kill";
        }
        return firstReceived >= smtpStopMillis - 1_000 && firstReceived <= smtpStoppedMillis ? "smtp stop" : null;
    }

    void count(String kind) {
        outcomes.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    // ---- verification -----------------------------------------------------------------------------------------------

    void verifyAndReport() throws Exception {
        Map<String, Long> mailsByAddress = new LinkedHashMap<>();
        Map<String, List<String>> deliveries = new LinkedHashMap<>();
        Map<String, List<StoredMessage>> messages = new LinkedHashMap<>();
        for (StoredMessage stored : received) {
            MimeMessage message = stored.getMimeMessage();
            for (var to : message.getRecipients(Message.RecipientType.TO)) {
                String address = to.toString().toLowerCase();
                mailsByAddress.merge(address, 1L, Long::sum);
                messages.computeIfAbsent(address, k -> new ArrayList<>()).add(stored);
                deliveries.computeIfAbsent(address, k -> new ArrayList<>()).add(message.getMessageID() + " received at "
                        + fmt((stored.getReceivedDate().getTime() - loadStartMillis) / 1e3) + " s");
            }
        }
        int withAccount = 0;
        int delivered = 0;
        int duplicated = 0;
        int redeliveredAfterKill = 0;
        int redeliveredAfterSmtpStop = 0;
        int lost = 0;
        List<String> problems = new ArrayList<>();
        try (Connection db = jdbc()) {
            for (String[] enrollment : mailboxPages) {
                try (PreparedStatement s = db.prepareStatement("select count(*) from account where nir = ?")) {
                    s.setString(1, enrollment[0]);
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        if (r.getInt(1) == 1) {
                            withAccount++;
                        } else {
                            problems.add("no account for an enrollment that reached the mailbox step");
                        }
                    }
                }
                long mails = mailsByAddress.getOrDefault(enrollment[1].toLowerCase(), 0L);
                if (mails == 1) {
                    delivered++;
                } else if (mails == 0) {
                    lost++;
                } else if (redeliveredAfterAFault(messages.get(enrollment[1].toLowerCase())) instanceof String fault) {
                    if (fault.equals("kill")) {
                        redeliveredAfterKill++;
                    } else {
                        redeliveredAfterSmtpStop++;
                    }
                } else {
                    duplicated++;
                    problems.add("mail sent " + mails + " times: " + deliveries.get(enrollment[1].toLowerCase()) + ", outbox: "
                            + outbox(db, enrollment[1]));
                }
                if (mails == 0) {
                    problems.add("mail lost, outbox: " + outbox(db, enrollment[1]));
                }
            }
        }
        long outsideWindow = serverErrors.stream().filter(t -> t < pgWindowStart || t > pgWindowEnd).count();
        long inWindow = serverErrors.size() - outsideWindow;

        StringBuilder text = new StringBuilder("Fault campaign (FaultCampaignTests): two instances (separate JVMs), one PostgreSQL,"
                + " " + WORKERS + " load workers for " + LOAD_SECONDS + " s at least\n");
        figures.forEach((k, v) -> text.append("  ").append(k).append(": ").append(v).append('\n'));
        text.append("  recovery times (s), bounds ").append(STARTUP.toSeconds()).append(" s for a start, ")
                .append(DATABASE_RECOVERY.toSeconds()).append(" s after PostgreSQL:\n");
        recoveries.forEach((k, v) -> text.append("    ").append(k).append(": ").append(fmt(v)).append('\n'));
        text.append("  requests: ").append(requests.get()).append(", by flow:\n");
        new java.util.TreeMap<>(requestsByFlow).forEach((k, v) -> text.append("    ").append(k).append(": ").append(v).append('\n'));
        for (String group : List.of("answer", "completed", "error")) {
            text.append("  ").append(group.equals("answer") ? "answers" : group.equals("completed") ? "flows completed" : "errors by kind")
                    .append(":\n");
            new java.util.TreeMap<>(outcomes).forEach((k, v) -> {
                if (k.startsWith(group + ": ")) {
                    text.append("    ").append(k.substring(group.length() + 2)).append(": ").append(v).append('\n');
                }
            });
        }
        text.append("  5xx during the PostgreSQL restart window: ").append(inWindow).append(", outside it: ").append(outsideWindow).append('\n');
        text.append("  codes redeemed: ").append(codesRedeemed.get()).append(", redeemed twice: ").append(codesRedeemedTwice.get()).append('\n');
        text.append("  enrollments that reached « check your mailbox »: ").append(mailboxPages.size()).append(", with their account: ")
                .append(withAccount).append('\n');
        text.append("  activation mails delivered exactly once: ").append(delivered).append(", delivered again after the SIGKILL of the instance that had sent it: ").append(redeliveredAfterKill)
                .append(", after the SMTP server's stop the instant it stored it: ").append(redeliveredAfterSmtpStop)
                .append(", duplicated otherwise: ").append(duplicated)
                .append(", lost: ").append(lost).append(" (all mails received by the SMTP server: ").append(received.size()).append(")\n");
        problems.forEach(problem -> text.append("  problem: ").append(problem).append('\n'));
        Quality.write("faults.txt", text.toString());

        assertThat(problems).isEmpty();
        assertThat(mailboxPages).as("some enrollments went through").isNotEmpty();
        assertThat(codesRedeemed.get()).as("some codes were redeemed").isPositive();
        assertThat(codesRedeemedTwice.get()).as("no code redeemable twice").isZero();
        assertThat(outsideWindow).as("no 5xx outside the PostgreSQL restart window").isZero();
        assertThat(duplicated).as("no activation mail sent twice").isZero();
        // One per SMTP connection open at the fault's instant: the killed instance's, or both instances'.
        assertThat(redeliveredAfterKill).as("redelivered after the kill").isLessThanOrEqualTo(SMTP_THREADS);
        assertThat(redeliveredAfterSmtpStop).as("redelivered after the SMTP stop").isLessThanOrEqualTo(2 * SMTP_THREADS);
        assertThat(lost).as("no activation mail lost").isZero();
        assertThat(withAccount).isEqualTo(mailboxPages.size());
        assertThat(recoveries.values()).as("recovery times (s)").allSatisfy(seconds -> assertThat(seconds)
                .isLessThanOrEqualTo((double) STARTUP.toSeconds()));
    }

    // ---- infrastructure ---------------------------------------------------------------------------------------------

    void prepare() throws IOException {
        org.springframework.util.FileSystemUtils.deleteRecursively(WORK);
        Files.createDirectories(WORK);
        pgPort = freePort();
        pg = startPostgres(true);
        smtpPort = freePort();
        smtp = startSmtp();
        // The demo registry and accounts, plus the people the enrollments use (NIRs 1 80 01 44 6xx xxx).
        List<TestInsuredPersons.Builder> persons = new ArrayList<>();
        for (int i = 1; i <= 1500; i++) {
            persons.add(eligible(nir(i), "PANNE"));
        }
        String demo = Files.readString(Path.of("config", "demo", "registry.csv"));
        String ours = TestInsuredPersons.csv(persons.toArray(TestInsuredPersons.Builder[]::new));
        Files.writeString(WORK.resolve("registry.csv"), ours + demo.substring(demo.indexOf('\n') + 1));
    }

    static String nir(int i) {
        return "1800144" + (600 + i / 999) + String.format("%03d", 1 + i % 999);
    }

    String nextPerson() {
        return nir(PERSON.incrementAndGet());
    }

    static final AtomicInteger PERSON = new AtomicInteger();

    EmbeddedPostgres startPostgres(boolean fresh) throws IOException {
        Path dir = WORK.resolve("pg");
        // Never "clean": zonky deletes a clean data directory when it stops, and the restart needs it.
        return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(pgPort)
                .setPGStartupWait(Duration.ofSeconds(60)).setServerConfig("max_connections", "100")
                .setServerConfig("fsync", "off").start();
    }

    GreenMail startSmtp() {
        GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        return mail;
    }

    /** Stops the SMTP server and keeps what it received (a stopped GreenMail forgets its messages: read them after). */
    void stopSmtp() {
        GreenMail current = smtp;
        com.icegreen.greenmail.Managers stored = current.getManagers();
        current.stop();
        keep(stored);
    }

    /** At the end: what the running SMTP server received. */
    void collectMail() {
        keep(smtp.getManagers());
    }

    void keep(com.icegreen.greenmail.Managers stored) {
        for (StoredMessage message : stored.getImapHostManager().getAllMessages()) {
            received.add(message);
        }
    }

    Connection jdbc() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + pgPort + "/postgres", "postgres", "");
    }

    long unsentMails() throws SQLException {
        try (Connection db = jdbc(); ResultSet r = db.createStatement().executeQuery("select count(*) from mail_outbox where sent_at is null")) {
            r.next();
            return r.getLong(1);
        }
    }

    volatile String deviceToken;
    volatile long loadStartMillis;
    volatile long killedAtMillis;
    volatile long smtpStopMillis = Long.MAX_VALUE;
    volatile long smtpStoppedMillis = Long.MIN_VALUE;

    /** The outbox rows of an address, for the report of a duplicate or a loss. */
    String outbox(Connection db, String address) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("select id, created_at, sent_at, attempts, last_error from mail_outbox"
                + " where recipient = ? order by created_at")) {
            s.setString(1, address);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(r.getString(1) + " created " + offset(r.getTimestamp(2)) + " sent " + offset(r.getTimestamp(3))
                            + " attempts " + r.getInt(4) + " " + r.getString(5));
                }
            }
        }
        return rows.toString();
    }

    String offset(java.sql.Timestamp at) {
        return at == null ? "-" : fmt((at.getTime() - loadStartMillis) / 1e3) + " s";
    }

    /** The demo account has already seen the load's browsers (no security code step: its limits are per day). */
    void rememberDemoDevice() throws SQLException {
        deviceToken = Secrets.newHandle();
        try (Connection db = jdbc(); PreparedStatement s = db.prepareStatement("insert into known_device (token_hash, account_id,"
                + " created_at, expires_at) select ?, id, ?, ? from account where nir = ?")) {
            s.setBytes(1, Secrets.sha256(deviceToken));
            s.setObject(2, OffsetDateTime.now());
            s.setObject(3, OffsetDateTime.now().plusDays(1));
            s.setString(4, DEMO_NIR);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    /** Waits until the instance answers a request that reads the database (the authorization endpoint). */
    void awaitDatabaseRequests(Instance instance) {
        await("instance " + instance.name + " answers database-backed requests").atMost(DATABASE_RECOVERY)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(() -> {
                    try {
                        return probe.send(HttpRequest.newBuilder(URI.create(instance.base() + authorize()))
                                .header("X-Forwarded-For", "198.18.255.254").timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode() < 500;
                    } catch (IOException e) {
                        return false; // not yet
                    }
                });
    }

    static String authorize() {
        return "/authorize?" + encode(Map.of("response_type", "code", "client_id", "demo-rp", "redirect_uri", CALLBACK,
                "scope", "openid", "state", "faults", "nonce", "n".repeat(32), "code_challenge", CODE_CHALLENGE,
                "code_challenge_method", "S256"));
    }

    static String location(HttpResponse<String> response) {
        String location = response.headers().firstValue("Location").orElse(null);
        if (location == null) {
            throw new FlowAborted();
        }
        URI uri = URI.create(location);
        return uri.isAbsolute() && uri.getHost().equals("localhost") && uri.getPort() != 9876
                ? uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) : location;
    }

    static String query(String uri, String name) {
        return org.springframework.web.util.UriComponentsBuilder.fromUriString(uri).build().getQueryParams().getFirst(name);
    }

    static String match(Pattern pattern, String text, String what) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new FlowAborted();
        }
        return m.group(1);
    }

    static String encode(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    static double since(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    static void sleepUntil(long start, double seconds) throws InterruptedException {
        long wait = start + (long) (seconds * 1e9) - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
        }
    }

    static String fmt(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.1f", seconds);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @org.junit.jupiter.api.AfterEach
    void stopEverything() throws IOException {
        for (Instance instance : instances.values()) {
            if (instance.process != null) {
                instance.process.destroy();
                try {
                    if (!instance.process.waitFor(20, TimeUnit.SECONDS)) {
                        instance.process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (smtp != null) {
            smtp.stop();
        }
        if (pg != null) {
            pg.close();
        }
    }
}
