package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The HTML pages in a real browser: Debian's headless Chromium driven by Selenium through Debian's
 * chromedriver (the test script installs both). Screenshots go to {@code target/screenshots}.
 */
class BrowserTest {
    static final Path SHOTS = Path.of("target", "screenshots");
    static WebDriver driver;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startBrowser() throws IOException {
        Files.createDirectories(SHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(onPath("chromium").toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000",
                "--user-data-dir=" + tmp.resolve("chrome-profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(onPath("chromedriver").toFile()).build();
        driver = new ChromeDriver(service, options);
    }

    /** The program {@code name} found on the PATH (the test script installs Debian's chromium and chromium-driver). */
    static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException(name + " is not on the PATH; ./run-tests installs it");
    }

    @AfterAll
    static void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void showPageStepsForwardAndBackward() throws IOException {
        Path page = tmp.resolve("show.html");
        assertEquals(0, CliRun.of("show", "--cell", "lstm", "--layers", "2", "--steps", "6", "--format", "html", "--out", page.toString()).exitCode());
        open(page);
        assertEquals(6, driver.findElements(By.cssSelector("svg.unfold-graph g.step")).size(), "one step group per time step");
        click("step-next");
        assertEquals("0", activeStep("active"));
        click("step-next");
        assertEquals("1", activeStep("active"));
        shoot("show-forward");
        click("play-backward");
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> "0".equals(activeStep("back")));
        shoot("show-backward");
        assertTrue(driver.findElements(By.cssSelector("#heatmap td")).size() >= 12, "heat map of ||dL/dh_t|| per step and layer");
        assertTrue(driver.findElements(By.cssSelector("#jacobian polyline")).size() == 2, "one Jacobian curve per layer");
        hoverShowsTooltip();
        assertNoConsoleErrors();
    }

    @Test
    void longSequencesCollapseAndExpand() throws IOException {
        Path page = tmp.resolve("long.html");
        assertEquals(0, CliRun.of("show", "--cell", "gru", "--steps", "1000", "--format", "html", "--out", page.toString()).exitCode());
        assertTrue(Files.size(page) < 5_000_000, "T=1000 page is " + Files.size(page) + " bytes");
        open(page);
        assertEquals(16, visibleSteps(), "the middle steps are collapsed");
        driver.findElement(By.cssSelector(".collapsed-marker")).click();
        assertEquals(1000, visibleSteps(), "the marker expands them");
        shoot("long-expanded");
        assertNoConsoleErrors();
    }

    @Test
    void demoReportOpensAndResponds() throws IOException {
        Path dir = tmp.resolve("report");
        CliRun demo = CliRun.of("demo", "--minutes", "0.05", "--hidden", "32", "--out", dir.toString());
        assertEquals(0, demo.exitCode(), demo.err());
        assertTrue(demo.out().contains("report: "), demo.out());
        open(dir.resolve("index.html"));
        assertTrue(driver.findElements(By.cssSelector("svg.loss-chart")).size() == 2, "loss curves against updates and time");
        assertTrue(driver.findElements(By.cssSelector("svg.heat-map")).size() == 4, "gradient flow before and after training");
        int steps = driver.findElements(By.cssSelector("svg.unfold-graph g.step")).size();
        assertTrue(steps > 0);
        click("play-forward");
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> Integer.toString(steps - 1).equals(activeStep("active")));
        shoot("demo-report");
        assertNoConsoleErrors();
    }

    private static void open(Path page) {
        driver.get(page.toUri().toString());
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> ((JavascriptExecutor) d).executeScript("return document.readyState").equals("complete"));
    }

    private static void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    private static String activeStep(String cls) {
        List<WebElement> active = driver.findElements(By.cssSelector("svg.unfold-graph g.step." + cls));
        return active.isEmpty() ? "" : active.get(0).getAttribute("data-step");
    }

    private static long visibleSteps() {
        Object n = ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll('svg.unfold-graph g.step')).filter(g => g.style.display !== 'none').length;");
        return ((Number) n).longValue();
    }

    private static void hoverShowsTooltip() {
        WebElement cell = driver.findElement(By.cssSelector("svg.unfold-graph g.step[data-step='1'] g.cell.layer"));
        new org.openqa.selenium.interactions.Actions(driver).moveToElement(cell).perform();
        WebElement tip = driver.findElement(By.id("tooltip"));
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> tip.isDisplayed());
        assertTrue(tip.getText().contains("shape: [1, 3]") || tip.getText().contains("shape:"), tip.getText());
    }

    private static void assertNoConsoleErrors() {
        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertTrue(errors.isEmpty(), "console errors: " + errors);
    }

    private static void shoot(String name) throws IOException {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
}
