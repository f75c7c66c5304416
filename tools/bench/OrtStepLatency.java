import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * ONNX Runtime's Java API on one batch-1 step of an exported LSTM model ({@code unfold export --format onnx}): one
 * session run, x [1, 1] and the state in, logits and the state out and made the next step's inputs, as
 * tools/bench/onnx_step_latency.py does from Python: 2 s of warm-up, then 2 s timed step by step.
 * Run as a single-file program: java -cp onnxruntime.jar tools/bench/OrtStepLatency.java model.onnx THREADS
 */
public class OrtStepLatency {
    public static void main(String[] a) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(Integer.parseInt(a[1]));
        o.setInterOpNumThreads(1);
        try (OrtSession s = env.createSession(a[0], o)) {
            int vocab = Integer.parseInt(s.getMetadata().getCustomMetadata().get("unfold.input_size"));
            long[] hs = ((TensorInfo) s.getInputInfo().get("h0").getInfo()).getShape();
            int h = (int) hs[2];
            OnnxTensor h0 = OnnxTensor.createTensor(env, FloatBuffer.allocate(h), new long[] {1, 1, h});
            OnnxTensor c0 = OnnxTensor.createTensor(env, FloatBuffer.allocate(h), new long[] {1, 1, h});
            Random r = new Random(1);
            List<Long> times = new ArrayList<>();
            long end = System.nanoTime() + 2_000_000_000L;
            boolean timing = false;
            while (true) {
                if (System.nanoTime() > end) {
                    if (timing) break;
                    timing = true;
                    end = System.nanoTime() + 2_000_000_000L;
                }
                OnnxTensor x = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {r.nextInt(vocab)}), new long[] {1, 1});
                long t0 = System.nanoTime();
                OrtSession.Result res = s.run(Map.of("x", x, "h0", h0, "c0", c0));
                OnnxTensor hn = (OnnxTensor) res.get("h_n").get();
                OnnxTensor cn = (OnnxTensor) res.get("c_n").get();
                ((OnnxTensor) res.get("logits").get()).getFloatBuffer();
                OnnxTensor nh = OnnxTensor.createTensor(env, hn.getFloatBuffer(), new long[] {1, 1, h});
                OnnxTensor nc = OnnxTensor.createTensor(env, cn.getFloatBuffer(), new long[] {1, 1, h});
                long dt = System.nanoTime() - t0;
                res.close(); x.close(); h0.close(); c0.close();
                h0 = nh; c0 = nc;
                if (timing) times.add(dt);
            }
            Collections.sort(times);
            System.out.printf(Locale.ROOT, "onnxruntime-java %s threads=%s steps=%d p50_us=%.1f p99_us=%.1f%n", OrtEnvironment.getEnvironment().getVersion(), a[1], times.size(),
                    times.get(times.size() / 2) / 1e3, times.get((int) (0.99 * times.size())) / 1e3);
        }
    }
}
