package fr.ameli.idp.registry;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

@IdpIntegrationTest
class RegistryImportTests {

    private static final String HEADER = String.join(";", RegistryCsv.COLUMNS) + "\n";
    // Valid by check digits, distinct from DEMO-DATA (test-only people, department 44).
    private static final String GOOD_1 = "1 90 03 44 109 001 ;TESTEUR;;Paul;male;1990-03-15;44109;99100;44000;;REGIME_GENERAL;true;80250001001234567890;true;;;false\n";
    private static final String GOOD_2 = "2 91 04 44 109 002 ;TESTEUSE;DURAND;Léa Marie;female;1991-04-16;44109;99100;44000;44100|44200;CNMSS;true;;false;;lea@example.org;false\n";

    @Autowired
    Registry registry;

    @Autowired
    DatabaseClient db;

    @Autowired
    RegistryImportCommand command;

    @Test
    void registryWhenDemoLoadedThenHoldsTheNineDemoPeople() {
        Long count = db.sql("select count(*) from insured_person where nir in ('2850575112034','1621228010001',"
                        + "'1790613055042','2920169123007','7991099999001','1550599350101','2710833063120',"
                        + "'1881131555087','2000233063045')")
                .map(row -> row.get(0, Long.class)).one().block();
        assertThat(count).isEqualTo(9);
        InsuredPerson faure = registry.findByNir(Nir.parse("2 00 02 33 063 045 16")).block();
        assertThat(faure.usageName()).isEqualTo("GIRARD");
        assertThat(faure.scheme()).isEqualTo(Scheme.ENIM);
        assertThat(faure.ibans()).hasSize(1);
        InsuredPerson bernard = registry.findByNir(Nir.parse("2920169123007")).block();
        assertThat(bernard.ibans()).hasSize(2);
    }

    @Test
    void importCsvWhenOneBadRowThenReportsItAndImportsNothing() {
        String bad = "1 90 03 44 109 003 ;BROKEN;;Jean;male;1990-02-30;44109;99100;44000;;REGIME_GENERAL;true;;true;;;false\n";
        ImportReport report = registry.importCsv(HEADER + GOOD_1 + bad + GOOD_2).block();

        assertThat(report.applied()).isFalse();
        assertThat(report.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.reason()).startsWith("birth_date");
        });
        assertThat(countTestPeople()).isZero();
    }

    @Test
    void importCsvWhenSameFileTwiceThenSecondChangesNothing() {
        String file = HEADER + GOOD_1.replace("001 ;", "004 ;") + GOOD_2.replace("002 ;", "005 ;");
        ImportReport first = registry.importCsv(file).block();
        ImportReport second = registry.importCsv(file).block();

        assertThat(first.applied()).isTrue();
        assertThat(first.inserted()).isEqualTo(2);
        assertThat(second.inserted()).isZero();
        assertThat(second.updated()).isZero();
        assertThat(second.unchanged()).isEqualTo(2);
        InsuredPerson durand = registry.findByNir(Nir.parse("2910444109005")).block();
        assertThat(durand.formerPostalCodes()).containsExactly("44100", "44200");
        assertThat(durand.livesOrLivedIn("44200")).isTrue();
    }

    @Test
    void importCsvWhenRowChangedThenUpdatesOnlyThatRow() {
        String file = HEADER + GOOD_1.replace("001 ;", "006 ;") + GOOD_2.replace("002 ;", "007 ;");
        registry.importCsv(file).block();
        ImportReport again = registry.importCsv(file.replace("44000;44100|44200", "44300;44000|44100|44200")).block();
        assertThat(again.updated()).isEqualTo(1);
        assertThat(again.unchanged()).isEqualTo(1);
    }

    @Test
    void importCsvWhenRowsInvalidThenEachReportedWithLineAndReasonButNoPersonalData() {
        String rows = "1 90 03 44 109 099 12;X;;Jean;male;1990-03-15;44109;99100;44000;;REGIME_GENERAL;true;;true;;;false\n"
                + "1 90 03 44 109 008 ;X;;Jean;robot;1990-03-15;44109;99100;44000;;REGIME_GENERAL;true;;true;;;false\n"
                + "1 90 03 44 109 009 ;X;;Jean;male;1990-03-15;;99100;44000;;REGIME_GENERAL;true;;true;;;false\n"
                + "1 90 03 44 109 010 ;X;;Jean;male;1990-03-15;44109;99100;44000;;REGIME_GENERAL;true;;true;FR76 3000 4000 3112 3456 7890 112;;false\n"
                + "too;few\n";
        ImportReport report = registry.importCsv(HEADER + rows).block();
        assertThat(report.errors()).extracting(RowError::line).containsExactly(2, 3, 4, 5, 6);
        assertThat(report.errors()).extracting(RowError::reason)
                .allSatisfy(reason -> assertThat(reason).doesNotContain("190034410", "FR76"));
        assertThat(report.errors().get(0).reason()).startsWith("nir");
        assertThat(report.errors().get(1).reason()).startsWith("gender");
        assertThat(report.errors().get(2).reason()).startsWith("birthplace");
        assertThat(report.errors().get(3).reason()).startsWith("ibans");
    }

    @Test
    void importCsvWhenColumnMissingThenRejectsHeader() {
        ImportReport report = registry.importCsv("nir;birth_name\n").block();
        assertThat(report.errors()).singleElement().extracting(RowError::line).isEqualTo(1);
    }

    @Test
    void importCommandWhenFileHasBadRowThenExitCodeTwoAndNothingImported() throws Exception {
        Path file = Files.createTempFile("registry", ".csv");
        Files.writeString(file, HEADER + GOOD_1.replace("001 ;", "011 ;") + "bad;row\n", StandardCharsets.UTF_8);
        assertThat(command.importFile(file)).isEqualTo(2);
        assertThat(registry.findByNir(Nir.parse("1900344109011")).blockOptional()).isEmpty();

        Files.writeString(file, HEADER + GOOD_1.replace("001 ;", "011 ;"), StandardCharsets.UTF_8);
        assertThat(command.importFile(file)).isZero();
        assertThat(registry.findByNir(Nir.parse("1900344109011")).blockOptional()).isPresent();
        assertThat(command.importFile(Path.of("does-not-exist.csv"))).isEqualTo(1);
    }

    private long countTestPeople() {
        return db.sql("select count(*) from insured_person where nir in ('1900344109001', '2910444109002', '1900344109003')")
                .map(row -> row.get(0, Long.class)).one().block();
    }
}
