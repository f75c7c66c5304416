package dev.unfold.onnx;

import dev.unfold.exec.Feeds;
import dev.unfold.exec.Interpreter;
import dev.unfold.exec.Values;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.nn.Phase;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.SequenceLengths;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.op.Var;
import dev.unfold.store.TrainedModel;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Unfold's own forward pass of a model over a whole batch, with the signature's tensors: the reference interpreter
 * on the unfolded graph in float32, fed x [T, B] or [T, B, F], h0 and c0 [L·D, B, H] and lengths [B]; it gives
 * the outputs [T, B, C] (or [B, C]) and h_n, c_n as flat arrays in ONNX's layout.
 */
record UnfoldForward(float[] outputs, float[] hN, float[] cN) {
    static UnfoldForward run(TrainedModel trained, int steps, int batch, float[] x, float[] h0, float[] c0, int[] lengths) {
        SequenceModelSpec spec = trained.model().spec();
        GraphBuilder b = new GraphBuilder();
        RecurrentModel.Unfolded u = trained.model().unfold(b, steps, batch, DType.F32, Phase.EVALUATION);
        Feeds.Builder feeds = Feeds.builder();
        for (Map.Entry<dev.unfold.nn.Parameter, Var> e : u.params().entrySet()) {
            feeds.put(e.getValue(), trained.weights().get(e.getKey()).to(DType.F32));
        }
        int width = spec.input().kind() == SequenceModelSpec.InputKind.TOKENS ? 1 : spec.input().size();
        for (int t = 0; t < steps; t++) {
            Var in = u.inputs().get(t);
            float[] row = new float[batch * width];
            System.arraycopy(x, t * batch * width, row, 0, row.length);
            feeds.put(in, Tensor.wrap(in.shape(), row));
        }
        int hidden = spec.rnn().hiddenSize();
        int directions = spec.rnn().directions().count();
        for (RecurrentNetwork.Run run : u.network().runs()) {
            int r = run.layer().index() * directions + run.layer().direction().index();
            for (int k = 0; k < run.initialState().size(); k++) {
                float[] source = k == 0 ? h0 : c0;
                float[] rows = new float[batch * hidden];
                System.arraycopy(source, r * batch * hidden, rows, 0, rows.length);
                feeds.put(run.initialState().get(k), Tensor.wrap(Shape.of(batch, hidden), rows));
            }
        }
        if (spec.lengths()) {
            SequenceLengths l = SequenceLengths.of(steps, lengths);
            for (int t = 0; t < steps; t++) {
                feeds.put(u.valid().get(t), l.valid(t, DType.F32));
            }
        }
        Values v = Interpreter.run(b.build(), feeds.build());
        boolean perSequence = spec.output().reads() == SequenceModelSpec.Reads.FINAL_STATE;
        float[] out = concat(v, perSequence ? u.outputs().subList(0, 1) : u.outputs());
        float[] hN = concat(v, u.network().runs().stream().map(r -> r.finalState().get(0)).toList());
        float[] cN = ExportSignature.hasCellState(spec) ? concat(v, u.network().runs().stream().map(r -> r.finalState().get(1)).toList()) : new float[0];
        return new UnfoldForward(out, hN, cN);
    }

    private static float[] concat(Values v, List<Var> parts) {
        List<float[]> arrays = new ArrayList<>();
        int n = 0;
        for (Var p : parts) {
            float[] a = v.get(p).to(DType.F32).f32();
            arrays.add(a);
            n += a.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] a : arrays) {
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        return out;
    }
}
