package fr.ameli.idp.platform;

import io.r2dbc.spi.R2dbcException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a log line may say about an exception that was not ours to word: the class names along the cause chain,
 * and the SQLSTATE of a database error, never a message. Messages quote values: an address the SMTP server
 * refused, the row a constraint rejected (PostgreSQL's {@code Key (email)=(...)}).
 */
public final class Failures {

    private static final int MAX_DEPTH = 6;

    private Failures() {
    }

    /** The SQLSTATE of the first database error along the cause chain, or null. */
    public static @org.jspecify.annotations.Nullable String sqlState(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof R2dbcException db && db.getSqlState() != null) {
                return db.getSqlState();
            }
        }
        return null;
    }

    /** Whether {@code error}, or one of its causes, is an instance of {@code type}. */
    public static boolean causedBy(Throwable error, Class<?> type) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** {@code a.B < c.D [SQLSTATE 23505]}: outermost first. */
    public static String describe(Throwable error) {
        return describe(error, t -> true);
    }

    /** The same, leaving out the links of the chain {@code shown} rejects (wrappers of no interest). */
    public static String describe(Throwable error, Predicate<Throwable> shown) {
        List<String> names = new ArrayList<>();
        String sqlState = null;
        int depth = 0;
        for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (shown.test(t)) {
                names.add(t.getClass().getName());
            }
            if (sqlState == null && t instanceof R2dbcException db && db.getSqlState() != null) {
                sqlState = db.getSqlState();
            }
        }
        String chain = String.join(" < ", names);
        return sqlState == null ? chain : chain + " [SQLSTATE " + sqlState + "]";
    }
}
