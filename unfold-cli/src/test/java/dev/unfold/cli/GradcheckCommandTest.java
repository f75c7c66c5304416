package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GradcheckCommandTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"rnn_tanh,--layers=1", "rnn_relu,--layers=2", "lstm,--bidirectional", "gru,--layers=2", "jordan,--steps=5"})
    void passesAndListsEveryTensor(String cell, String extra) {
        CliRun run = CliRun.of("gradcheck", "--cell", cell, extra);
        assertEquals(0, run.exitCode(), run.out() + run.err());
        String last = run.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("gradcheck passed:"), last);
        assertTrue(run.out().contains("weight_ih_l0") && run.out().contains("x[0]"), run.out());
    }
}
