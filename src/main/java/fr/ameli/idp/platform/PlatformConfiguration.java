package fr.ameli.idp.platform;

import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Shared infrastructure beans: the clock every expiry is computed with, and the hashing scheduler. */
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
}
