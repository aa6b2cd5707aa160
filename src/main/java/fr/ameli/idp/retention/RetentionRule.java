package fr.ameli.idp.retention;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * When a row of {@code table} is dead: {@code deadBefore} is an SQL condition on the row with one parameter,
 * {@code :cutoff}, bound to now − {@code keep} − the sweep's grace. {@code keep} is how long the row is still of
 * use after the time the condition names (its expiry, most often).
 *
 * <p>The condition must be served by an index (the sweep runs every minute on every table).
 */
record RetentionRule(String table, String deadBefore, Duration keep) {

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*");

    RetentionRule {
        if (!TABLE.matcher(table).matches() || !deadBefore.contains(":cutoff") || keep.isNegative()) {
            throw new IllegalArgumentException("invalid retention rule for " + table);
        }
    }

    /** The common case: dead at {@code expires_at}, kept {@code keep} more. */
    static RetentionRule expired(String table, Duration keep) {
        return new RetentionRule(table, "expires_at < :cutoff", keep);
    }

    static RetentionRule expired(String table) {
        return expired(table, Duration.ZERO);
    }
}
