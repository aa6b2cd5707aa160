package fr.ameli.idp.retention;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.provisional.ProvisionalCodeProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The sweep against the real schema: each rule of the application deletes a row once its end, its retention and
 * the grace are past, and not a second before; batches, the lock and two instances on a table of the test's own.
 * The sweeps built here use a lock of their own: the application's sweep (and other instances of this test JVM)
 * never refuse them.
 */
@IdpIntegrationTest
class RetentionSweepTests {

    /** The bytes of "testswee": not the application's lock. */
    private static final long TEST_LOCK = 0x74_65_73_74_73_77_65_65L;

    @Autowired
    DatabaseClient db;

    @Autowired
    TransactionalOperator tx;

    @Autowired
    ConnectionFactory connections;

    @Autowired
    RetentionProperties retention;

    @Autowired
    IdpProperties idp;

    @Autowired
    ProvisionalCodeProperties provisional;

    MutableClock clock = MutableClock.atNow();

    String probe;

    /**
     * A row of a table, inserted so that the instant its rule counts from is {@code :end}. Parameters: {@code :id}
     * (a unique text), {@code :hash} (its SHA-256), {@code :uuid}, {@code :account} (an account), {@code :nir}
     * (a person of the registry), {@code :end}. {@code fragment} picks the rule when a table has several.
     */
    record Row(String table, String fragment, String insert, String where) {
        @Override
        public String toString() {
            return table + (fragment.isEmpty() ? "" : " (" + fragment + ")");
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("pending_authorization", "", "insert into pending_authorization (id, client_id, redirect_uri, "
                        + "scope, state, nonce, acr, created_at, expires_at) values (:id, 'demo-rp', "
                        + "'http://localhost:9876/callback', 'openid', 'state', :id, 'eidas1', :end, :end)", "id = :id"),
                new Row("login_session", "", "insert into login_session (id_hash, account_id, auth_time, amr, acr, "
                        + "federation_id_token, created_at, expires_at) values (:hash, :account, :end, '{pwd}', 'eidas1', "
                        + "'header.payload.signature', :end, :end)", "id_hash = :hash"),
                new Row("authorization_code", "", "insert into authorization_code (code_hash, client_id, redirect_uri, "
                        + "account_id, scope, nonce, auth_time, acr, amr, amr_requested, created_at, expires_at, "
                        + "consumed_at) values (:hash, 'demo-rp', 'http://localhost:9876/callback', :account, 'openid', "
                        + ":id, :end, 'eidas1', '{pwd}', false, :end, :end, :end)", "code_hash = :hash"),
                new Row("access_token", "", "insert into access_token (token_hash, client_id, account_id, scope, "
                        + "expires_at) values (:hash, 'demo-rp', :account, 'openid', :end)", "token_hash = :hash"),
                new Row("pushed_authorization", "", "insert into pushed_authorization (handle_hash, client_id, params, "
                        + "created_at, expires_at) values (:hash, 'demo-rp', '{}', :end, :end)", "handle_hash = :hash"),
                new Row("dpop_proof", "", "insert into dpop_proof (jkt, jti, expires_at) values ('jkt', :id, :end)",
                        "jti = :id"),
                new Row("client_assertion", "", "insert into client_assertion (client_id, jti, expires_at) values "
                        + "('demo-rp', :id, :end)", "jti = :id"),
                new Row("login_challenge", "", "insert into login_challenge (id_hash, account_id, code_hash, created_at, "
                        + "expires_at) values (:hash, :account, :hash, :end, :end)", "id_hash = :hash"),
                new Row("known_device", "", "insert into known_device (token_hash, account_id, created_at, expires_at) "
                        + "values (:hash, :account, :end, :end)", "token_hash = :hash"),
                new Row("enrollment", "", "insert into enrollment (id_hash, channel, path, step, nir, created_at, "
                        + "updated_at, expires_at) values (:hash, 'WEB', 'CARTE_VITALE', 'PROOF', :nir, :end, :end, :end)",
                        "id_hash = :hash"),
                new Row("email_confirmation", "", "insert into email_confirmation (token_hash, account_id, email, purpose, "
                        + "created_at, expires_at, forget_at) values (:hash, :account, 'retention@example.org', "
                        + "'ACTIVATION', :end - interval '7 days', :end - interval '14 days', :end)", "token_hash = :hash"),
                new Row("activation_recovery", "", "insert into activation_recovery (id_hash, account_id, created_at, "
                        + "expires_at) values (:hash, :account, :end, :end)", "id_hash = :hash"),
                new Row("federation_request", "", "insert into federation_request (state_hash, purpose, created_at, "
                        + "expires_at) values (:hash, 'LOGOUT', :end, :end)", "state_hash = :hash"),
                new Row("federation_link", "", "insert into federation_link (id_hash, account_id, sub, id_token, purpose, "
                        + "created_at, expires_at) values (:hash, :account, :id, 'header.payload.signature', 'LOGIN', :end, "
                        + ":end)", "id_hash = :hash"),
                // Used at :end: its browser may choose a new personal code for reset-ttl, then it is dead.
                new Row("provisional_code", "", "insert into provisional_code (id, nir, origin, code_hash, created_at, "
                        + "expires_at, consumed_at) values (:uuid, :nir, 'FORGOTTEN', 'hash', :end, "
                        + ":end + interval '30 days', :end)", "id = :uuid"),
                new Row("captcha_challenge", "", "insert into captcha_challenge (id_hash, answer_hash, answer_sealed, "
                        + "created_at, expires_at) values (:hash, :hash, :hash, :end, :end)", "id_hash = :hash"),
                new Row("rate_limit", "", "insert into rate_limit (key_hash, window_start, count, expires_at) values "
                        + "(:hash, :end - interval '1 hour', 3, :end)", "key_hash = :hash"),
                new Row("mail_outbox", "sent_at <", "insert into mail_outbox (id, recipient, subject, kind, created_at, "
                        + "next_attempt_at, attempts, sent_at) values (:uuid, 'retention@example.org', 'Sujet', "
                        + "'EMAIL_CONFIRMATION', :end, :end, 0, :end)", "id = :uuid"),
                // Given up after idp.mail.max-attempts (50): the application's sender leaves it alone.
                new Row("mail_outbox", "sent_at is null", "insert into mail_outbox (id, recipient, subject, text_body, "
                        + "html_body, kind, created_at, next_attempt_at, attempts) values (:uuid, 'retention@example.org', "
                        + "'Sujet', 'lien', 'lien', 'EMAIL_CONFIRMATION', :end, :end, 50)", "id = :uuid"));
    }

    @BeforeEach
    void probeTable() {
        probe = "retention_probe_" + UUID.randomUUID().toString().replace("-", "");
        db.sql("create table " + probe + " (id integer primary key, expires_at timestamptz not null)").then().block();
        db.sql("create index on " + probe + " (expires_at)").then().block();
    }

    @AfterEach
    void dropProbeTable() {
        db.sql("drop table " + probe).then().block();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void sweepWhenRowPastItsEndRetentionAndGraceThenDeletedAndNotASecondBefore(Row row) {
        RetentionRule rule = applicationRule(row);
        RetentionSweep sweep = sweep(List.of(rule), retention);
        Instant end = clock.instant();
        String id = UUID.randomUUID().toString();
        bind(db.sql(row.insert()), row.insert(), id, end).then().block();

        // The cutoff is now − keep − grace: at exactly end + keep + grace the row is not yet before it.
        clock.set(end.plus(rule.keep()).plus(retention.grace()));
        RetentionSweep.Report before = sweep.sweep().block();
        long keptAtTheLimit = count(row, id);
        clock.advance(Duration.ofSeconds(1));
        RetentionSweep.Report after = sweep.sweep().block();

        assertThat(keptAtTheLimit).isEqualTo(1);
        assertThat(count(row, id)).isZero();
        assertThat(before.skipped()).isFalse();
        assertThat(after.deleted().get(row.table())).isPositive();
    }

    @Test
    void rulesWhenListedThenEveryTableWithAnExpiryIsSweptAndEveryRuleIsTestedAbove() {
        List<RetentionRule> rules = RetentionSweep.rules(retention, idp, provisional);
        List<String> tablesWithExpiry = db.sql("select table_name from information_schema.columns where column_name "
                        + "= 'expires_at' and table_schema = current_schema() and table_name not like 'retention_probe_%'")
                .map(r -> r.get("table_name", String.class)).all().collectList().block();

        assertThat(rules).allSatisfy(rule -> assertThat(rows().anyMatch(row -> row.table().equals(rule.table())
                && rule.deadBefore().contains(row.fragment()))).as(rule.toString()).isTrue());
        assertThat(rules.stream().map(RetentionRule::table)).containsAll(tablesWithExpiry);
    }

    /**
     * An access token's row holds its code's single-use key: swept before that code expires, the code could be
     * exchanged again. A code expires at the latest a code lifetime after the token it was exchanged for was issued.
     */
    @Test
    void rulesWhenAccessTokensThenKeptACodeLifetimePastTheirEnd() {
        RetentionRule tokens = RetentionSweep.rules(retention, idp, provisional).stream()
                .filter(rule -> rule.table().equals("access_token")).findFirst().orElseThrow();

        assertThat(tokens.keep()).isGreaterThanOrEqualTo(idp.oidc().authorizationCodeTtl()).isPositive();
    }

    @Test
    void sweepWhenMoreDeadRowsThanBatchesAllowThenBatchesBoundedAndTheRestLeftForTheNextSweep() {
        insertProbe(10, clock.instant().minusSeconds(60));
        insertProbe(2, clock.instant().plusSeconds(3600));
        RetentionSweep sweep = sweep(List.of(RetentionRule.expired(probe)), properties(3, 2));

        RetentionSweep.Report first = sweep.sweep().block();
        long leftAfterFirst = countProbe();
        RetentionSweep.Report second = sweep.sweep().block();

        // Two batches of at most three rows each, then the next sweep takes the rest (a short batch ends it).
        assertThat(first.deleted()).containsEntry(probe, 6L);
        assertThat(leftAfterFirst).isEqualTo(6);
        assertThat(second.deleted()).containsEntry(probe, 4L);
        assertThat(countProbe()).isEqualTo(2);
    }

    @Test
    void sweepWhenAnotherInstanceHoldsTheLockThenDeletesNothingUntilItIsReleased() {
        insertProbe(5, clock.instant().minusSeconds(60));
        RetentionSweep sweep = sweep(List.of(RetentionRule.expired(probe)), properties(100, 10));
        Connection other = Mono.from(connections.create()).block();
        RetentionSweep.Report whileHeld;
        long leftWhileHeld;
        try {
            Mono.from(other.beginTransaction()).block();
            Flux.from(other.createStatement("select pg_advisory_xact_lock(" + TEST_LOCK + ")").execute())
                    .flatMap(result -> result.map((r, m) -> 1)).blockLast();

            whileHeld = sweep.sweep().block();
            leftWhileHeld = countProbe();
        } finally {
            Mono.from(other.rollbackTransaction()).onErrorResume(e -> Mono.empty()).block();
            Mono.from(other.close()).block();
        }
        RetentionSweep.Report released = sweep.sweep().block();

        assertThat(whileHeld.skipped()).isTrue();
        assertThat(whileHeld.total()).isZero();
        assertThat(leftWhileHeld).isEqualTo(5);
        assertThat(released.skipped()).isFalse();
        assertThat(released.deleted()).containsEntry(probe, 5L);
    }

    @Test
    void sweepWhenTwoInstancesAtOnceThenNeitherFailsAndEveryDeadRowIsDeletedOnce() {
        insertProbe(20, clock.instant().minusSeconds(60));
        RetentionSweep first = sweep(List.of(RetentionRule.expired(probe)), properties(2, 100));
        RetentionSweep second = sweep(List.of(RetentionRule.expired(probe)), properties(2, 100));

        var reports = Mono.zip(first.sweep(), second.sweep()).block();

        assertThat(reports.getT1().total() + reports.getT2().total()).isEqualTo(20);
        assertThat(countProbe()).isZero();
    }

    private RetentionSweep sweep(List<RetentionRule> rules, RetentionProperties properties) {
        return new RetentionSweep(db, tx, clock, properties, rules, TEST_LOCK, new SimpleMeterRegistry());
    }

    private RetentionProperties properties(int batchSize, int maxBatches) {
        return new RetentionProperties(true, Duration.ofMinutes(1), batchSize, maxBatches, Duration.ZERO,
                retention.emailConfirmation(), retention.sentMail(), retention.unsentMail());
    }

    private RetentionRule applicationRule(Row row) {
        return RetentionSweep.rules(retention, idp, provisional).stream()
                .filter(rule -> rule.table().equals(row.table()) && rule.deadBefore().contains(row.fragment()))
                .findFirst().orElseThrow();
    }

    private DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, String sql, String id,
            Instant end) {
        if (sql.contains(":id")) {
            spec = spec.bind("id", id);
        }
        if (sql.contains(":hash")) {
            spec = spec.bind("hash", Secrets.sha256(id));
        }
        if (sql.contains(":uuid")) {
            spec = spec.bind("uuid", UUID.nameUUIDFromBytes(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        if (sql.contains(":account")) {
            spec = spec.bind("account", db.sql("select id from account order by created_at limit 1")
                    .map(r -> r.get("id", UUID.class)).one().block());
        }
        if (sql.contains(":nir")) {
            spec = spec.bind("nir", db.sql("select nir from insured_person where nir not in (select nir from "
                    + "provisional_code) order by nir desc limit 1").map(r -> r.get("nir", String.class)).one().block());
        }
        if (sql.contains(":end")) {
            spec = spec.bind("end", end);
        }
        return spec;
    }

    private long count(Row row, String id) {
        String sql = "select count(*) as n from " + row.table() + " where " + row.where();
        return bind(db.sql(sql), sql, id, clock.instant()).map(r -> r.get("n", Long.class)).one().block();
    }

    private void insertProbe(int n, Instant expiresAt) {
        db.sql("insert into " + probe + " (id, expires_at) select (select coalesce(max(id), 0) from " + probe
                        + ") + g, :at from generate_series(1, :n) g")
                .bind("at", expiresAt).bind("n", n).then().block();
    }

    private long countProbe() {
        return db.sql("select count(*) as n from " + probe).map(r -> r.get("n", Long.class)).one().block();
    }
}
