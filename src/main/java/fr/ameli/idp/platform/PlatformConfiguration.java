package fr.ameli.idp.platform;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import java.time.Clock;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.HttpResources;

/**
 * Shared infrastructure beans: the clock every expiry is computed with, the event loops the database driver runs
 * on, and the metrics of Netty's buffer memory.
 */
@Configuration(proxyBeanMethods = false)
class PlatformConfiguration {

    @Bean
    Clock clock() {
        // Seeds the random generator here, on the main thread, rather than on the first request.
        Secrets.newHandle();
        return Clock.systemUTC();
    }

    /**
     * The PostgreSQL driver runs on the HTTP server's event loops instead of a second set of its own: on a
     * 2-core machine two sets of loops meant a thread hand-over (a wake-up and a context switch) for every
     * statement of a request, and twice the loop threads.
     */
    @Bean
    ConnectionFactoryOptionsBuilderCustomizer sharedEventLoops() {
        return options -> options.option(PostgresqlConnectionFactoryProvider.LOOP_RESOURCES, HttpResources.get());
    }

    /**
     * Rows come back in PostgreSQL's binary format rather than as text: a timestamp is then eight bytes to read
     * instead of a string for a date-time formatter to parse (the userinfo and SSO profiles showed the driver's
     * {@code parseOffsetDateTime} at 2.5-3 % of their CPU), and arrays need no text scanning.
     */
    @Bean
    ConnectionFactoryOptionsBuilderCustomizer binaryResults() {
        return options -> options.option(PostgresqlConnectionFactoryProvider.FORCE_BINARY, true);
    }

    /**
     * The memory Netty's buffer allocator holds, heap and direct ({@code netty_allocator_memory_used}), for the
     * HTTP server, the PostgreSQL driver and the HTTP clients alike. The service runs without Netty's leak detection
     * (jvm.options), so a leaked buffer shows here first, as memory that only grows, before Netty refuses to allocate
     * ({@code OutOfDirectMemoryError}, thrown by Netty, so {@code -XX:+ExitOnOutOfMemoryError} does not restart the
     * JVM).
     */
    @Bean
    MeterBinder nettyAllocatorMetrics() {
        return registry -> {
            if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
                new NettyAllocatorMetrics(allocator).bindTo(registry);
            }
        };
    }
}
