package fr.ameli.idp.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.stereotype.Component;

/**
 * Operator run mode: {@code java -jar ameli-idp.jar --import-registry=FILE} (or
 * {@code mvn spring-boot:run -Dspring-boot.run.arguments=--import-registry=FILE}) imports the file
 * against the configured database and exits: 0 when applied, 2 when rows were rejected (each reported
 * with its line number and reason, nothing imported), 1 when the file could not be read.
 */
@Component
public class RegistryImportCommand implements ApplicationRunner, ExitCodeGenerator {

    public static final String OPTION = "import-registry";
    private static final Logger log = LoggerFactory.getLogger(RegistryImportCommand.class);

    private final Registry registry;
    private int exitCode;

    RegistryImportCommand(Registry registry) {
        this.registry = registry;
    }

    /** True when the arguments ask for the import run mode (the web server is then not started). */
    public static boolean requested(String[] args) {
        for (String arg : args) {
            if (arg.startsWith("--" + OPTION + "=")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void run(ApplicationArguments args) {
        List<String> files = args.getOptionValues(OPTION);
        if (files == null || files.isEmpty()) {
            return;
        }
        for (String file : files) {
            exitCode = Math.max(exitCode, importFile(Path.of(file)));
        }
    }

    int importFile(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.error("Registry import: cannot read {}: {}", file, e.getClass().getSimpleName());
            return 1;
        }
        ImportReport report = registry.importCsv(content).block();
        if (report == null || !report.applied()) {
            List<RowError> errors = report == null ? List.of() : report.errors();
            log.error("Registry import of {} rejected, nothing imported; {} bad row(s):", file, errors.size());
            errors.forEach(e -> log.error("  {}", e));
            return 2;
        }
        log.info("Registry import of {}: {} rows, {} inserted, {} updated, {} unchanged", file, report.rows(),
                report.inserted(), report.updated(), report.unchanged());
        return 0;
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }
}
