package fr.ameli.idp.platform;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.HttpResources;

/**
 * Shared infrastructure beans: the clock every expiry is computed with, the hashing scheduler, and the event loops
 * the database driver runs on.
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
     * Password hashing is CPU-bound and slow by design: it runs on this bounded pool, never on an event
     * loop, and its queue bounds how many logins may wait for a hash.
     */
    @Bean(destroyMethod = "dispose")
    Scheduler hashingScheduler(@Value("${idp.security.hashing-threads:2}") int threads) {
        return Schedulers.newBoundedElastic(threads, 10_000, "password-hashing");
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
}
