package fr.ameli.idp.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by Debian's chromedriver, one per test class.
 *
 * <p>Both paths are given explicitly: with the driver's executable set on the service, Selenium never builds a
 * {@code DriverFinder}, so Selenium Manager (which would look for, and download, a driver or a browser) is never
 * run ({@code ChromiumTests} checks it). The flags let Chromium run as root in a container and keep it off the
 * network: without the background-networking ones it keeps opening connections that this closed network refuses.
 */
final class Chromium implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final int DESKTOP_WIDTH = 1280;
    static final int DESKTOP_HEIGHT = 900;
    /** The narrow width of the issue (an iPhone SE/mini in CSS pixels); WCAG 1.4.10 asks for 320. */
    static final int MOBILE_WIDTH = 375;
    static final int MOBILE_HEIGHT = 812;

    final ChromeDriver driver;
    final boolean javascript;
    private final ChromeDriverService service;
    private final Path profile;

    private Chromium(ChromeDriver driver, ChromeDriverService service, Path profile, boolean javascript) {
        this.driver = driver;
        this.service = service;
        this.profile = profile;
        this.javascript = javascript;
    }

    /** A fresh browser (new profile: no cookie, no cache); {@code javascript=false} disables the pages' scripts. */
    static Chromium start(boolean javascript) {
        Path profile;
        try {
            profile = Files.createTempDirectory("chromium-profile-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--disable-extensions", "--disable-default-apps",
                "--disable-features=Translate,OptimizationHints,MediaRouter,PasswordLeakDetection,AutofillServerCommunication",
                "--password-store=basic", "--use-mock-keychain", "--mute-audio", "--hide-scrollbars",
                "--force-device-scale-factor=1", "--lang=fr-FR", "--user-data-dir=" + profile,
                "--window-size=" + DESKTOP_WIDTH + "," + DESKTOP_HEIGHT);
        options.setExperimentalOption("prefs", Map.of(
                "intl.accept_languages", "fr-FR,fr",
                "credentials_enable_service", false,
                "profile.password_manager_enabled", false));
        options.setPageLoadTimeout(Duration.ofSeconds(30));
        options.setScriptTimeout(Duration.ofSeconds(30));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withSilent(true)
                .build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            delete(profile);
            throw e;
        }
        Chromium chromium = new Chromium(driver, service, profile, javascript);
        if (!javascript) {
            // The pages' own scripts never run (as with JavaScript turned off in the browser's settings), while the
            // test can still evaluate its own through WebDriver, as DevTools' console can.
            chromium.pageScripts(false);
        }
        return chromium;
    }

    /**
     * Turns the execution of the page's scripts on or off. axe needs it on (it runs on timers); turned on after a
     * page loaded without scripts, it runs none of that page's: the page stays as it was rendered without them.
     */
    void pageScripts(boolean enabled) {
        driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", !enabled));
    }

    /** A PNG of the whole page (beyond the viewport), as the current viewport lays it out. */
    byte[] fullPageScreenshot() {
        @SuppressWarnings("unchecked")
        Map<String, Object> metrics = (Map<String, Object>) driver.executeCdpCommand("Page.getLayoutMetrics", Map.of())
                .get("cssContentSize");
        double width = ((Number) metrics.get("width")).doubleValue();
        double height = ((Number) metrics.get("height")).doubleValue();
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true, "optimizeForSpeed", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        return Base64.getDecoder().decode((String) shot.get("data"));
    }

    /** Lays the page out as a phone of {@link #MOBILE_WIDTH} CSS pixels would (meta viewport honoured). */
    void phoneWidth() {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", MOBILE_WIDTH,
                "height", MOBILE_HEIGHT, "deviceScaleFactor", 1, "mobile", true));
    }

    void desktopWidth() {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    /** Sends this header with every request of the tab (e.g. a client address for per-address limits). */
    void header(String name, String value) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of(name, value)));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> paths = all.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temporary profile is harmless
        }
    }
}
