package fr.ameli.idp.embedded;

import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.provisional.ProvisionalCodes;
import fr.ameli.idp.registry.ImportReport;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.RegistryImportCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Loads the synthetic people of DEMO-DATA.md (registry CSV and accounts CSV under {@code config/demo/})
 * before the service reports ready. Idempotent: restarting changes nothing, and an account that a
 * person has since changed is left as it is.
 *
 * <p>Always a bean, doing nothing unless {@code idp.demo.enabled}: a condition on the property would be evaluated
 * once at build time by Spring AOT (pom.xml, process-aot), and the benchmark and the fault campaign run the
 * production configuration with demo data.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class DemoData implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);

    private final Registry registry;
    private final Accounts accounts;
    private final Resource registryFile;
    private final Resource accountsFile;
    private final ProvisionalCodes codes;
    private final Resource codesFile;
    private final Clock clock;
    private final boolean enabled;

    DemoData(@Value("${idp.demo.enabled:false}") boolean enabled, Registry registry, Accounts accounts,
            @Value("${idp.demo.registry}") Resource registryFile,
            @Value("${idp.demo.accounts}") Resource accountsFile, ProvisionalCodes codes,
            @Value("${idp.demo.provisional-codes:file:config/demo/provisional-codes.csv}") Resource codesFile, Clock clock) {
        this.registry = registry;
        this.accounts = accounts;
        this.registryFile = registryFile;
        this.accountsFile = accountsFile;
        this.codes = codes;
        this.codesFile = codesFile;
        this.clock = clock;
        this.enabled = enabled;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!enabled || args.containsOption(RegistryImportCommand.OPTION)) {
            return;
        }
        ImportReport report = registry.importCsv(read(registryFile)).block();
        if (report == null || !report.applied()) {
            throw new IllegalStateException("Demo registry rejected: " + (report == null ? "" : report.errors()));
        }
        long created = Flux.fromArray(read(accountsFile).split("\r?\n"))
                .skip(1)
                .filter(line -> !line.isBlank())
                .map(line -> line.split(";", -1))
                .concatMap(cells -> accounts.provision(Nir.parse(cells[0]),
                        AccountStatus.valueOf(cells[1].trim().toUpperCase(Locale.ROOT)),
                        cells[2].isBlank() ? null : cells[2].trim(), cells[3].trim()))
                .filter(Boolean::booleanValue)
                .count()
                .blockOptional().orElse(0L);
        // Provisional codes of the demo (person 8's counter code): provisioned once, so that a code used or
        // replaced since is not brought back by a restart.
        long issued = Flux.fromArray(read(codesFile).split("\r?\n"))
                .skip(1)
                .filter(line -> !line.isBlank())
                .map(line -> line.split(";", -1))
                .concatMap(cells -> {
                    Nir nir = Nir.parse(cells[0]);
                    return codes.any(nir).flatMap(exists -> exists ? Mono.just(false)
                            : codes.store(nir, ProvisionalCodes.Origin.valueOf(cells[1].trim()), cells[2].trim(),
                                    clock.instant().plus(Duration.ofDays(Long.parseLong(cells[3].trim())))).thenReturn(true));
                })
                .filter(Boolean::booleanValue)
                .count()
                .blockOptional().orElse(0L);
        log.info("Demo data: registry {} inserted, {} updated, {} unchanged; {} account(s) created, {} provisional code(s)",
                report.inserted(), report.updated(), report.unchanged(), created, issued);
    }

    private static String read(Resource resource) {
        try {
            return resource.getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Demo data file missing: " + resource.getDescription(), e);
        }
    }
}
