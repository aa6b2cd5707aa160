package fr.ameli.idp.browser;

import com.deque.html.axecore.args.AxeRunOnlyOptions;
import com.deque.html.axecore.args.AxeRunOptions;
import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.openqa.selenium.WebDriver;

/**
 * axe-core (bundled in {@code com.deque.html.axe-core:selenium}, injected through WebDriver) on the page the browser
 * shows, restricted to the WCAG 2.0 and 2.1 level A and AA rules. Any violation fails the test, with what axe says
 * about each offending element. Each check is appended to {@code target/screenshots/axe-report.txt}.
 */
final class Axe {

    static final List<String> WCAG_21_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");
    static final Path REPORT = Path.of("target", "screenshots", "axe-report.txt");

    private static final AtomicInteger CHECKS = new AtomicInteger();

    private Axe() {
    }

    /** How many pages axe has checked in this JVM. */
    static int checks() {
        return CHECKS.get();
    }

    static Results analyze(WebDriver driver) {
        // Legacy (single-pass) mode: the pages have no frames, and it injects axe once instead of also into a
        // second window, which halves the time of a check.
        AxeRunOnlyOptions wcag = new AxeRunOnlyOptions();
        wcag.setType("tag");
        wcag.setValues(WCAG_21_AA);
        AxeRunOptions options = new AxeRunOptions();
        options.setRunOnly(wcag);
        // every rule still runs; only the violations are reported element by element (faster to serialise)
        options.setResultTypes(List.of("violations"));
        Results results = new AxeBuilder().withOptions(options).disableIframeTesting().setLegacyMode(true)
                .analyze(driver);
        if (results.isErrored()) {
            throw new AssertionError("axe could not analyse " + driver.getCurrentUrl() + ": " + results.getErrorMessage());
        }
        return results;
    }

    /** Fails on any WCAG 2.1 A/AA violation of the current page; {@code page} names it in the report. */
    static void assertNoViolation(WebDriver driver, String page) {
        long start = System.nanoTime();
        Results results = analyze(driver);
        CHECKS.incrementAndGet();
        List<Rule> violations = results.getViolations();
        report(page, driver.getCurrentUrl(), results, (System.nanoTime() - start) / 1_000_000);
        if (!violations.isEmpty()) {
            throw new AssertionError("axe: " + violations.size() + " WCAG 2.1 A/AA violation(s) on " + page + " ("
                    + driver.getCurrentUrl() + ")\n" + describe(violations));
        }
    }

    static String describe(List<Rule> violations) {
        return violations.stream().map(rule -> "- " + rule.getId() + " [" + rule.getImpact() + "] " + rule.getHelp()
                + " (" + rule.getHelpUrl() + ")\n" + rule.getNodes().stream().map(Axe::node)
                .collect(Collectors.joining("\n"))).collect(Collectors.joining("\n"));
    }

    private static String node(CheckedNode node) {
        return "    " + node.getTarget() + ": " + node.getHtml() + "\n      "
                + String.valueOf(node.getFailureSummary()).replace("\n", "\n      ");
    }

    private static synchronized void report(String page, String url, Results results, long millis) {
        String line = String.format("%-50s violations=%d rules passed=%2d to review=%d %5d ms  %s%n", page,
                results.getViolations().size(), results.getPasses().size(), results.getIncomplete().size(), millis,
                url.replaceAll("=[^&]{16,}", "=…"));
        try {
            Files.createDirectories(REPORT.getParent());
            Files.writeString(REPORT, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
