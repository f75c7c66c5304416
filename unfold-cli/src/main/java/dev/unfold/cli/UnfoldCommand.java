package dev.unfold.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code unfold}: recurrent networks as unfolded graphs. */
@Command(name = "unfold", mixinStandardHelpOptions = true, version = "unfold 0.1.0",
        description = "Recurrent networks as unfolded computational graphs: draw, run, differentiate.",
        subcommands = {DemoCommand.class, TrainCommand.class, SampleCommand.class, EvalCommand.class, GradcheckCommand.class, ShowCommand.class, ForwardCommand.class, PlotCommand.class, InfoCommand.class, BenchCommand.class, FlowCommand.class, CommandLine.HelpCommand.class})
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
            cmd.getErr().println("unfold: error: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(describe(ex));
            return isBadInput(ex) ? BAD_INPUT : FAILED;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static boolean isBadInput(Exception e) {
        return e instanceof IllegalArgumentException || e instanceof IOException || e instanceof UncheckedIOException;
    }

    private static String describe(Exception e) {
        if (isBadInput(e) || e instanceof TrainingFailed) {
            return "unfold: error: " + e.getMessage();
        }
        return "unfold: internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
