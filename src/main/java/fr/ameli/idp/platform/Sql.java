package fr.ameli.idp.platform;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** The one SQL helper the capabilities share: R2DBC needs the type of a null parameter. */
public final class Sql {

    private Sql() {
    }

    /** Binds {@code value}, or a typed null when it is absent. */
    public static <T> DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, String name,
            @Nullable T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    /**
     * Data-modifying {@code WITH} clauses that one capability hands to another's next statement, to run in it
     * instead of in a round trip of their own (the give-back of a right password's rate-limit slots, in the
     * statement that opens the session). The owner names the clauses and their parameters with a prefix of its own,
     * so that they meet none of the host's; they read nothing the host writes (every clause of a statement sees the
     * same snapshot), and the host reads nothing of them. Their effect commits with the host's, or not at all.
     */
    public record Rider(String clauses, Map<String, Object> parameters) {

        /** No clause: the host's statement as it is. */
        public static final Rider NONE = new Rider("", Map.of());

        public Rider {
            parameters = Map.copyOf(parameters);
        }

        public boolean isEmpty() {
            return clauses.isEmpty();
        }

        /** To write after a host's own {@code WITH} clauses: {@code ", "} and the clauses, or nothing. */
        public String following() {
            return clauses.isEmpty() ? "" : ", " + clauses;
        }

        /** To write before a host statement that has no {@code WITH} clause: {@code "with "}, the clauses, or nothing. */
        public String leading() {
            return clauses.isEmpty() ? "" : "with " + clauses + " ";
        }

        /** The clauses in a statement of their own (no host: their owner's, or a host's that failed). */
        public Mono<Void> runAlone(DatabaseClient db) {
            return isEmpty() ? Mono.empty() : Mono.defer(() -> bind(db.sql(leading() + "select 1")).then());
        }

        /** Binds the clauses' parameters in the host's statement. */
        public DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec) {
            for (Map.Entry<String, Object> p : parameters.entrySet()) {
                spec = spec.bind(p.getKey(), p.getValue());
            }
            return spec;
        }
    }

    /** {@link #bind} for the common case of a text column. */
    public static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, String name,
            @Nullable String value) {
        return bind(spec, name, value, String.class);
    }
}
