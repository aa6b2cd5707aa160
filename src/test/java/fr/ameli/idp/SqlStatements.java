package fr.ameli.idp;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.Wrapped;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.reactivestreams.Publisher;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Counts the SQL statements that each HTTP request makes the service run, for the tests that guard the number of
 * database round trips per operation. A request carrying the header {@link #HEADER} (a log made by {@link #newLog})
 * gets that log in its Reactor context; every statement executed in that context is added to it: the service's own
 * statements, BEGIN/COMMIT/ROLLBACK, and the connection pool's validation query when it runs one at checkout.
 *
 * <p>How: Spring Boot applies {@link ConnectionFactoryDecorator}s to the driver's connection factory, below the pool;
 * the decorator wraps each connection (and its statements), and records a statement when its execution is subscribed,
 * from the subscriber's context, which is the request's. Requests without the header and background work (mail
 * outbox, key and client refreshes) record nothing, so the counts do not depend on timing. Production code is not
 * touched: this configuration exists in the tests only.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SqlStatements {

    public static final String HEADER = "X-Test-Sql-Log";
    /** Marks the statements the connection pool runs itself (its validation query at checkout). */
    public static final String BY_POOL = "[pool] ";

    private static final Map<String, Queue<String>> LOGS = new ConcurrentHashMap<>();

    /** A new, empty log; send its id in {@link #HEADER}. */
    public static String newLog() {
        String id = UUID.randomUUID().toString();
        LOGS.put(id, new ConcurrentLinkedQueue<>());
        return id;
    }

    /**
     * Every round trip recorded so far for the requests that carried this log id, in order: the service's statements,
     * and the pool's own (prefixed with {@link #BY_POOL}).
     */
    public static List<String> of(String id) {
        return List.copyOf(LOGS.getOrDefault(id, new ConcurrentLinkedQueue<>()));
    }

    /** The statements the service itself ran for those requests (without the pool's validation queries). */
    public static List<String> ofService(String id) {
        return of(id).stream().filter(s -> !s.startsWith(BY_POOL)).toList();
    }

    @Bean
    ConnectionFactoryDecorator sqlStatementRecorder() {
        return RecordingConnectionFactory::new;
    }

    @Bean
    HttpHandlerDecoratorFactory sqlStatementLogOfRequest() {
        return new LogOfRequest();
    }

    /**
     * Puts the request's log (if it names one) into the context of everything the request does, from the outermost
     * {@link HttpHandler} decoration: also what is answered in front of the WebFlux pipeline (userinfo's bearer GET, the
     * token endpoint's form post, the authorization endpoint's GET).
     */
    private static final class LogOfRequest implements HttpHandlerDecoratorFactory, Ordered {
        @Override
        public HttpHandler apply(HttpHandler next) {
            return (request, response) -> {
                String id = request.getHeaders().getFirst(HEADER);
                Queue<String> log = id == null ? null : LOGS.get(id);
                return log == null ? next.handle(request, response)
                        : next.handle(request, response).contextWrite(c -> c.put(SqlStatements.class, log));
            };
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    private record RecordingConnectionFactory(ConnectionFactory delegate) implements ConnectionFactory, Wrapped<ConnectionFactory> {
        @Override
        public Publisher<? extends Connection> create() {
            return Mono.from(delegate.create()).map(c -> proxy(Connection.class, c, new ConnectionHandler(c)));
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return delegate.getMetadata();
        }

        @Override
        public ConnectionFactory unwrap() {
            return delegate;
        }
    }

    /** Adds {@code label} to the log of the subscriber's context (if any) when the execution is subscribed. */
    private static Publisher<?> recorded(String label, Publisher<?> execution) {
        return Flux.deferContextual(context -> {
            context.<Queue<String>>getOrEmpty(SqlStatements.class).ifPresent(log -> log.add(label));
            return Flux.from(execution);
        });
    }

    private static final class ConnectionHandler extends Forwarding {
        ConnectionHandler(Connection delegate) {
            super(delegate);
        }

        @Override
        Object handle(Object proxy, Method method, Object[] args) throws Throwable {
            return switch (method.getName()) {
                case "createStatement" -> {
                    String sql = (issuedByPool() ? BY_POOL : "") + args[0];
                    Statement statement = (Statement) forward(method, args);
                    yield proxy(Statement.class, statement, new StatementHandler(statement, sql));
                }
                case "createBatch" -> {
                    Batch batch = (Batch) forward(method, args);
                    yield proxy(Batch.class, batch, new BatchHandler(batch));
                }
                case "beginTransaction" -> recorded("BEGIN", (Publisher<?>) forward(method, args));
                case "commitTransaction" -> recorded("COMMIT", (Publisher<?>) forward(method, args));
                case "rollbackTransaction" -> recorded("ROLLBACK", (Publisher<?>) forward(method, args));
                default -> forward(method, args);
            };
        }
    }

    /** True when the connection pool (r2dbc-pool's Validation) is the caller: its validation query at checkout. */
    private static boolean issuedByPool() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> f.getClassName().equals("io.r2dbc.pool.Validation")));
    }

    private static final class StatementHandler extends Forwarding {
        private final String sql;

        StatementHandler(Statement delegate, String sql) {
            super(delegate);
            this.sql = sql;
        }

        @Override
        Object handle(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("execute")) {
                return recorded(sql, (Publisher<?>) forward(method, args));
            }
            Object result = forward(method, args);
            return result == delegate ? proxy : result; // fluent setters (bind, add, fetchSize...) return the proxy
        }
    }

    private static final class BatchHandler extends Forwarding {
        private final List<String> sql = new ArrayList<>();

        BatchHandler(Batch delegate) {
            super(delegate);
        }

        @Override
        Object handle(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("add")) {
                sql.add((String) args[0]);
            }
            if (method.getName().equals("execute")) {
                return recorded(String.join("; ", sql), (Publisher<?>) forward(method, args));
            }
            Object result = forward(method, args);
            return result == delegate ? proxy : result;
        }
    }

    /** A dynamic proxy that forwards to the wrapped object, except what the subclass handles. */
    private abstract static class Forwarding implements InvocationHandler {
        final Object delegate;

        Forwarding(Object delegate) {
            this.delegate = delegate;
        }

        abstract Object handle(Object proxy, Method method, Object[] args) throws Throwable;

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "Recording[" + delegate + "]";
                };
            }
            if (method.getDeclaringClass() == Wrapped.class) {
                return method.getName().equals("unwrap") && (args == null || args.length == 0) ? delegate
                        : InvocationHandler.invokeDefault(proxy, method, args);
            }
            return handle(proxy, method, args);
        }

        Object forward(Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private static <T> T proxy(Class<T> type, Object delegate, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(SqlStatements.class.getClassLoader(), new Class<?>[] {type, Wrapped.class}, handler));
    }
}
