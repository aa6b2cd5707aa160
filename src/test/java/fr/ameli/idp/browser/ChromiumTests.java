package fr.ameli.idp.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The browser of the browser tests is the system's: Debian's chromium through Debian's chromedriver, started
 * without Selenium Manager (which would try to download a driver or a browser: nothing may be downloaded here).
 */
class ChromiumTests {

    @Test
    void startWhenDriverPathGivenThenSystemChromiumAndSeleniumManagerNeverRun() throws Exception {
        Logger selenium = Logger.getLogger("org.openqa.selenium");
        Level before = selenium.getLevel();
        List<String> managerRecords = new CopyOnWriteArrayList<>();
        List<String> finderRecords = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String logger = String.valueOf(record.getLoggerName());
                if (logger.startsWith("org.openqa.selenium.manager")) {
                    managerRecords.add(logger + ": " + record.getMessage());
                } else if (logger.endsWith("DriverFinder")) {
                    finderRecords.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        selenium.setLevel(Level.ALL);
        selenium.addHandler(capture);
        try (Chromium chromium = Chromium.start(true)) {
            chromium.driver.get("data:text/html;charset=utf-8,<html lang=fr><title>essai</title><h1>Bonjour</h1>");
            assertThat(chromium.driver.getTitle()).isEqualTo("essai");

            assertThat(chromium.driver.getCapabilities().getBrowserVersion()).isEqualTo(version(Chromium.BINARY.toString()));
            @SuppressWarnings("unchecked")
            Map<String, Object> chrome = (Map<String, Object>) chromium.driver.getCapabilities().getCapability("chrome");
            assertThat(String.valueOf(chrome.get("chromedriverVersion"))).startsWith(version(Chromium.DRIVER.toString()));
            assertThat(String.valueOf(chrome.get("userDataDir"))).contains("chromium-profile-");
        } finally {
            selenium.removeHandler(capture);
            selenium.setLevel(before);
        }
        // Selenium looks for a driver only to note that the service names one, and Selenium Manager never runs.
        assertThat(finderRecords).singleElement().asString().startsWith("Skipping Selenium Manager, path to chromedriver "
                + "specified in Service class");
        assertThat(managerRecords).as("Selenium Manager ran").isEmpty();
    }

    /** The version a system binary reports, e.g. {@code 156.0.8078.114}. */
    private static String version(String binary) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }
}
