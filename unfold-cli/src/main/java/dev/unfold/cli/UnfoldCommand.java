package dev.unfold.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code unfold}: recurrent networks as unfolded graphs. */
@Command(name = "unfold", mixinStandardHelpOptions = true, version = "unfold 0.1.0",
        description = "Recurrent networks as unfolded computational graphs: draw, run, differentiate.",
        subcommands = {DemoCommand.class, TrainCommand.class, SampleCommand.class, EvalCommand.class, GradcheckCommand.class, ShowCommand.class, ForwardCommand.class, ImportCommand.class, ExportCommand.class, PredictCommand.class, PlotCommand.class, InfoCommand.class, BenchCommand.class, FlowCommand.class, CommandLine.HelpCommand.class})
public final class UnfoldCommand implements Runnable {
    /** Exit code for bad input: a malformed file, a wrong shape, an unknown flag. */
    public static final int BAD_INPUT = 2;
    /** Exit code for a check that ran and failed. */
    public static final int FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new UnfoldCommand());
        cli.setOverwrittenOptionsAllowed(true);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println(oneLine("unfold: error: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')"));
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(describe(ex));
            return isBadInput(ex) ? BAD_INPUT : FAILED;
        });
        cli.setExecutionStrategy(parsed -> {
            Optional<String> problem = kernelProblem(parsed);
            if (problem.isPresent()) {
                parsed.commandSpec().commandLine().getErr().println("unfold: error: " + problem.get());
                return BAD_INPUT;
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        int code;
        try {
            code = cli.execute(args);
        } catch (OutOfMemoryError e) {
            err.println(oneLine("unfold: error: out of memory; " + dev.unfold.io.Memory.advice()));
            code = BAD_INPUT;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** A GEMM backend or LSTM gate kernel named (UNFOLD_GEMM, UNFOLD_LSTM_GATES) that is not there refuses every command but help and version. */
    private static Optional<String> kernelProblem(CommandLine.ParseResult parsed) {
        if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()) {
            return Optional.empty();
        }
        CommandLine.ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
            if (last.isUsageHelpRequested() || last.isVersionHelpRequested() || last.commandSpec().name().equals("help")) {
                return Optional.empty();
            }
        }
        Optional<String> gemm = blank(System.getenv("UNFOLD_GEMM")) ? Optional.empty() : dev.unfold.kernel.Gemm.backends().problem();
        return gemm.or(() -> blank(System.getenv("UNFOLD_LSTM_GATES")) ? Optional.empty() : dev.unfold.kernel.LstmGateKernels.found().problem())
                .or(() -> blank(System.getenv("UNFOLD_SOFTMAX")) ? Optional.empty() : dev.unfold.kernel.SoftmaxKernels.found().problem())
                .or(() -> blank(System.getenv("UNFOLD_ROW_PRODUCT")) ? Optional.empty() : dev.unfold.kernel.OneRowProducts.found().problem());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static boolean isBadInput(Exception e) {
        return e instanceof IllegalArgumentException || e instanceof IOException || e instanceof UncheckedIOException;
    }

    private static String describe(Exception e) {
        if (isBadInput(e) || e instanceof TrainingFailed) {
            return oneLine("unfold: error: " + message(e));
        }
        return oneLine("unfold: internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** What went wrong in words: the JDK's file exceptions say only the path. */
    private static String message(Exception e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            return (f.getFile() == null ? "" : f.getFile() + ": ") + dev.unfold.io.InputFiles.reason(f);
        }
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return u.getMessage() != null ? u.getMessage() : message(u.getCause());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** One line, whatever the message holds: control characters (a newline in a tensor name, an escape) shown as code points, and a length cut. */
    static String oneLine(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(2_000).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return s.codePointCount(0, s.length()) > 2_000 ? sb + "..." : sb.toString();
    }
}
