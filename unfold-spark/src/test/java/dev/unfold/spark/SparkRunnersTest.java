package dev.unfold.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.window.DistributedRunners;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --spark}'s master: the provider is found on the class path; a malformed master or one that does not answer is one clear refusal, before Spark starts. */
class SparkRunnersTest {
    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"foo", "local[two]", "spark//host:7077", "http://host:7077", " "})
    void aMalformedMasterIsRefused(String master) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> provider().connect(master, 2));
        assertTrue(e.getMessage().contains("is not a Spark master URL"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"spark://127.0.0.1:1, cannot reach the Spark master at 127.0.0.1:1", "spark://127.0.0.1:port, has a port that is not a number"})
    void aMasterThatDoesNotAnswerIsRefused(String master, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> provider().connect(master, 2));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static DistributedRunners provider() {
        return DistributedRunners.find("spark").orElseThrow();
    }
}
