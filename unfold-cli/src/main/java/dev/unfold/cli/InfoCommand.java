package dev.unfold.cli;

import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.LstmGateKernels;
import dev.unfold.kernel.OneRowProducts;
import dev.unfold.kernel.SoftmaxKernels;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code unfold info}: the runtime and the kernel path in use. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Print the Java runtime and which kernel path is active.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("unfold 0.1.0");
        out.println("java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        out.println("cores: " + Runtime.getRuntime().availableProcessors() + ", max heap: " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        Gemm.backends().report().forEach(line -> out.println("gemm backend " + line));
        out.println("gemm (float32, active): " + Gemm.backends().active().name());
        LstmGateKernels.found().report().forEach(line -> out.println("lstm gates kernel " + line));
        out.println("lstm gates (active): " + LstmGateKernels.found().describe());
        SoftmaxKernels.found().report().forEach(line -> out.println("softmax kernel " + line));
        out.println("softmax (active): " + SoftmaxKernels.found().describe());
        OneRowProducts.found().report().forEach(line -> out.println("one-row product kernel " + line));
        out.println("one-row product (active): " + OneRowProducts.found().describe());
        out.println("executor: compiled (hoisted input projections, one-GEMM weight gradients, planned buffers); float64 runs interpreted");
        out.println("workers: " + Runtime.getRuntime().availableProcessors()
                + " (train, eval and bench split a batch into one shard per core, each product on one thread)");
        return 0;
    }
}
