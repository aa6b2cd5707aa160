package fr.ameli.idp.retention;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * When a row of {@code table} is dead: {@code deadBefore} is an SQL condition on the row with one parameter,
 * {@code :cutoff}, bound to now − {@code keep} − the sweep's grace. {@code keep} is how long the row is still of
 * use after the time the condition names (its expiry, most often).
 *
 * <p>The condition must be served by an index (the sweep runs every minute on every table).
 *
 * <p>{@code statement}, when set, wraps the batch's delete (see {@link #within}); null: the delete alone.
 */
record RetentionRule(String table, String deadBefore, Duration keep, @Nullable UnaryOperator<String> statement) {

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*");

    RetentionRule {
        if (!TABLE.matcher(table).matches() || !deadBefore.contains(":cutoff") || keep.isNegative()) {
            throw new IllegalArgumentException("invalid retention rule for " + table);
        }
    }

    /** A rule whose batches are plain deletes. */
    RetentionRule(String table, String deadBefore, Duration keep) {
        this(table, deadBefore, keep, null);
    }

    /**
     * The same rule, its batch's delete run inside the statement {@code statement} makes of it (what else must happen
     * in the same statement: an ended login session queues its logout tokens). That statement answers one row whose
     * first column is the number of rows deleted; it may use {@code :now}, the sweep's time.
     */
    RetentionRule within(UnaryOperator<String> statement) {
        return new RetentionRule(table, deadBefore, keep, statement);
    }

    /** The common case: dead at {@code expires_at}, kept {@code keep} more. */
    static RetentionRule expired(String table, Duration keep) {
        return new RetentionRule(table, "expires_at < :cutoff", keep);
    }

    static RetentionRule expired(String table) {
        return expired(table, Duration.ZERO);
    }
}
