package dev.unfold.cli;

import dev.unfold.data.SequenceTask;
import dev.unfold.data.TaskKind;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.Phase;
import dev.unfold.optim.OptimizerConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * The command line's names for the library's enums: lowercase, as the flags take them ({@code --cell lstm},
 * {@code --optimizer adamw}); an unknown name lists the known ones.
 */
final class Choices {
    private Choices() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String what, String value) {
        for (E e : type.getEnumConstants()) {
            if (name(e).equals(value)) {
                return e;
            }
        }
        String plural = what.equals("cell") || what.equals("task") ? " " + what + "s" : "";
        throw new CommandLine.TypeConversionException("unknown " + what + " '" + dev.unfold.io.SafeText.clip(value) + "'; known" + plural + ": "
                + Arrays.stream(type.getEnumConstants()).map(Choices::name).collect(Collectors.joining(", ")));
    }

    static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** {@code --phase}: training or evaluation. */
    static final class PhaseName implements CommandLine.ITypeConverter<Phase> {
        @Override
        public Phase convert(String value) {
            return parse(Phase.class, "phase", value);
        }
    }

    /** {@code --cell}. */
    static final class Cell implements CommandLine.ITypeConverter<CellType> {
        @Override
        public CellType convert(String value) {
            return parse(CellType.class, "cell", value);
        }
    }

    /** {@code --precision}. */
    static final class Precision implements CommandLine.ITypeConverter<dev.unfold.kernel.Gemm.Precision> {
        @Override
        public dev.unfold.kernel.Gemm.Precision convert(String value) {
            return parse(dev.unfold.kernel.Gemm.Precision.class, "precision", value);
        }

        /**
         * Runs {@code task} with the process's products in {@code p}, then restores the precision before; a backend that
         * cannot run {@code p} is bad input, named.
         */
        static <T> T during(dev.unfold.kernel.Gemm.Precision p, java.util.concurrent.Callable<T> task) throws Exception {
            dev.unfold.kernel.Gemm.Precision before = dev.unfold.kernel.Gemm.precision();
            try {
                dev.unfold.kernel.Gemm.setPrecision(p);
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException("--precision " + name(p) + ": " + e.getMessage());
            }
            try {
                return task.call();
            } finally {
                dev.unfold.kernel.Gemm.setPrecision(before);
            }
        }
    }

    /** {@code --memory-policy}. */
    static final class MemoryPolicy implements CommandLine.ITypeConverter<dev.unfold.window.BpttMemory.Policy> {
        @Override
        public dev.unfold.window.BpttMemory.Policy convert(String value) {
            return parse(dev.unfold.window.BpttMemory.Policy.class, "memory-policy", value);
        }
    }

    /** {@code --optimizer}. */
    static final class Optimizer implements CommandLine.ITypeConverter<OptimizerConfig.Kind> {
        @Override
        public OptimizerConfig.Kind convert(String value) {
            return parse(OptimizerConfig.Kind.class, "optimizer", value);
        }
    }

    /** {@code --init}. */
    static final class Init implements CommandLine.ITypeConverter<InitScheme> {
        @Override
        public InitScheme convert(String value) {
            return parse(InitScheme.class, "init", value);
        }
    }

    /** {@code --task}. */
    static final class Task implements CommandLine.ITypeConverter<TaskChoice> {
        @Override
        public TaskChoice convert(String value) {
            for (TaskKind k : TaskKind.values()) {
                if (name(k).equals(value)) {
                    return new TaskChoice(Optional.of(k), Optional.empty());
                }
            }
            for (SequenceTask k : SequenceTask.values()) {
                if (k.id().equals(value)) {
                    return new TaskChoice(Optional.empty(), Optional.of(k));
                }
            }
            throw new CommandLine.TypeConversionException("unknown task '" + dev.unfold.io.SafeText.clip(value) + "'; known tasks: "
                    + Arrays.stream(TaskKind.values()).map(Choices::name).collect(Collectors.joining(", ")) + " (generated), "
                    + Arrays.stream(SequenceTask.values()).map(SequenceTask::id).collect(Collectors.joining(", ")) + " (with --data)");
        }
    }

    /** {@code --task}: a generated long-memory task, or what a model learns from {@code --data}. */
    record TaskChoice(Optional<TaskKind> generated, Optional<SequenceTask> data) {
    }

    /** {@code --schedule}. */
    enum Schedule { CONSTANT, STEP, COSINE }

    /** {@code --schedule}. */
    static final class ScheduleName implements CommandLine.ITypeConverter<Schedule> {
        @Override
        public Schedule convert(String value) {
            return parse(Schedule.class, "schedule", value);
        }
    }
}
