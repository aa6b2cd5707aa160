package fr.ameli.idp.token;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * A private {@code signing_key} table, created by the V4 migration in a fresh schema of the suite's
 * PostgreSQL. Rotation tests move their clock weeks ahead: on the shared table they would retire and delete
 * the running application's keys, and the application's keys would be in their way.
 */
final class IsolatedKeyTable implements AutoCloseable {

    private final DatabaseClient admin;
    private final String schema;
    private final DatabaseClient db;
    private final TransactionalOperator tx;

    IsolatedKeyTable(DatabaseClient admin, Environment env) {
        this.admin = admin;
        this.schema = "keys_" + UUID.randomUUID().toString().replace("-", "");
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(env.getRequiredProperty("spring.r2dbc.url"))
                .mutate()
                .option(ConnectionFactoryOptions.USER, env.getRequiredProperty("spring.r2dbc.username"))
                .option(Option.valueOf("schema"), schema);
        String password = env.getProperty("spring.r2dbc.password", "");
        if (!password.isEmpty()) {
            options.option(ConnectionFactoryOptions.PASSWORD, password);
        }
        ConnectionFactory connections = ConnectionFactories.get(options.build());
        this.db = DatabaseClient.create(connections);
        this.tx = TransactionalOperator.create(new R2dbcTransactionManager(connections));
        admin.sql("create schema " + schema).then().block();
        db.sql(migration()).then().block();
    }

    DatabaseClient db() {
        return db;
    }

    /** A new instance of the service on this table, as another replica would be. */
    SigningKeys signingKeys(Clock clock, KeyProperties properties) {
        return new SigningKeys(db, tx, clock, properties);
    }

    long count(String where) {
        return db.sql("select count(*) from signing_key where " + where)
                .map(row -> row.get(0, Long.class))
                .one()
                .block();
    }

    @Override
    public void close() {
        admin.sql("drop schema " + schema + " cascade").then().block();
    }

    private static String migration() {
        try {
            String script = new ClassPathResource("db/migration/V4__signing_key.sql").getContentAsString(StandardCharsets.UTF_8);
            // without comments: DatabaseClient would read a colon in them as a named parameter
            return script.lines()
                    .map(line -> line.replaceFirst("--.*$", ""))
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
