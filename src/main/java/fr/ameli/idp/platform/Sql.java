package fr.ameli.idp.platform;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;

/** The one SQL helper the capabilities share: R2DBC needs the type of a null parameter. */
public final class Sql {

    private Sql() {
    }

    /** Binds {@code value}, or a typed null when it is absent. */
    public static <T> DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, String name,
            @Nullable T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    /** {@link #bind} for the common case of a text column. */
    public static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, String name,
            @Nullable String value) {
        return bind(spec, name, value, String.class);
    }
}
