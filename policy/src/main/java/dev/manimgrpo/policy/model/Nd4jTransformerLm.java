package dev.manimgrpo.policy.model;

import dev.manimgrpo.policy.model.ForwardResult.BlockActivations;
import dev.manimgrpo.policy.sampling.KvCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Decoder-only pre-LayerNorm GPT written directly as ND4J array operations, forward and backward.
 *
 * <p>Per block: {@code x += Dropout(Attn(LN1(x)))}, {@code x += Dropout(MLP(LN2(x)))}, with causal
 * multi-head self-attention (all heads in one batched matmul) and a GELU (tanh) MLP; then a final
 * LayerNorm and an LM head tied to the token embedding. It runs in the data type of the parameters.
 *
 * <p>Training losses in this project (SFT NLL, GRPO clipped ratio with KL) are all functions of the
 * per-token log-probability of the target token, so {@link #forward} returns exactly those and
 * {@link #backward} takes d loss / d logp per token.
 *
 * <p>Inference ({@link #prefill}, {@link #step}) uses a left-padded {@link KvCache}; {@link
 * #lastLogits} is the no-cache reference that re-runs the whole prefix.
 */
public final class Nd4jTransformerLm implements LanguageModel {

  private final Map<String, INDArray> causalMasks = new ConcurrentHashMap<>();

  // ---------------------------------------------------------------- training

  @Override
  public ForwardResult forward(ModelParameters p, int[][] tokens, int[][] targets,
      boolean training, long dropoutSeed) {
    ModelConfig c = p.config();
    ModelInputs.Training in = ModelInputs.Training.of(c, tokens, targets);
    int batch = in.batch();
    int time = in.time();
    int n = batch * time;
    int v = c.vocabSize();
    DataType type = p.dataType();
    int[] tok = in.tokens();
    int[] pos = in.positions();
    int[] flatTarget = new int[n];
    for (int i = 0; i < n; i++) {
      flatTarget[i] = i * v + in.targets()[i];
    }
    double[] valid = in.valid();
    INDArray x = embed(p, tok, pos);

    Dropout dropout = training ? Dropout.of(c.dropout(), dropoutSeed) : Dropout.none();
    List<BlockActivations> blocks = new ArrayList<>(c.layers());
    x = runBlocks(p, x, batch, time, causalMask(time, type), null, dropout, blocks);

    Ops.Norm fin = Ops.layerNorm(x, p.get(ModelParameters.FINAL_LN_GAIN),
        p.get(ModelParameters.FINAL_LN_BIAS));
    INDArray logits = Nd4j.gemm(fin.out(), p.get(ModelParameters.TOKEN_EMBEDDING), false, true);
    INDArray logSumExp = logSumExp(logits);
    INDArray flatTargetIndex = Nd4j.createFromArray(flatTarget);
    INDArray validCol = Nd4j.create(valid, new long[] {n, 1}, 'c').castTo(type);
    INDArray targetLogit = Nd4j.pullRows(logits.reshape('c', (long) n * v, 1), 1, flatTarget, 'c');
    INDArray logProbs = targetLogit.subi(logSumExp).muli(validCol).reshape('c', batch, time);

    return new ForwardResult(p, batch, time, Nd4j.createFromArray(tok), Nd4j.createFromArray(pos),
        flatTargetIndex, validCol, blocks, fin, fin.out(), logits, logSumExp, logProbs);
  }

  @Override
  public Gradients backward(TrainingPass pass, INDArray dLogProb) {
    if (!(pass instanceof ForwardResult fr)) {
      throw new IllegalArgumentException("Nd4jTransformerLm.backward needs its own forward pass, got "
          + pass.getClass().getSimpleName());
    }
    ModelParameters p = fr.params;
    ModelConfig c = p.config();
    int batch = fr.batch;
    int time = fr.time;
    int n = batch * time;
    int heads = c.heads();
    double scale = 1.0 / Math.sqrt(c.headDim());
    DataType type = p.dataType();
    if (dLogProb.rank() != 2 || dLogProb.size(0) != batch || dLogProb.size(1) != time) {
      throw new IllegalArgumentException("dLogProb must be [" + batch + ", " + time + "], got "
          + java.util.Arrays.toString(dLogProb.shape()));
    }
    Gradients grads = Gradients.zerosLike(p);
    Map<String, INDArray> g = grads.asMap();

    // d logp(target) / d logits = onehot(target) - softmax(logits); weight each row by w.
    INDArray w = dLogProb.castTo(type).reshape('c', n, 1).mul(fr.valid);
    INDArray dLogits = Transforms.exp(fr.logits.subColumnVector(fr.logSumExp), false)
        .muliColumnVector(w.neg());
    Ops.scatterAdd(Ops.flat(dLogits), fr.flatTargetIndex, Ops.flat(w));

    INDArray wte = p.get(ModelParameters.TOKEN_EMBEDDING);
    Nd4j.gemm(dLogits, fr.finalOut, g.get(ModelParameters.TOKEN_EMBEDDING), true, false, 1.0, 1.0);
    INDArray dFinal = Nd4j.gemm(dLogits, wte, false, false);
    INDArray dx = Ops.layerNormBackward(fr.finalNorm, p.get(ModelParameters.FINAL_LN_GAIN),
        dFinal, g.get(ModelParameters.FINAL_LN_GAIN), g.get(ModelParameters.FINAL_LN_BIAS));

    for (int l = c.layers() - 1; l >= 0; l--) {
      BlockActivations a = fr.blocks.get(l);
      Block w8 = new Block(p.asMap(), l);
      Block dw = new Block(g, l);

      // MLP branch: x += Dropout(proj(gelu(fc(LN2(x)))))
      INDArray dMlp = a.mlpOutMask() == null ? dx : dx.mul(a.mlpOutMask());
      INDArray dAct = Ops.linearBackward(a.mlpAct(), w8.projW, dMlp, dw.projW, dw.projB);
      INDArray dPre = Ops.geluBackward(a.mlpPre(), dAct);
      INDArray dLn2 = Ops.linearBackward(a.ln2Out(), w8.fcW, dPre, dw.fcW, dw.fcB);
      dx.addi(Ops.layerNormBackward(a.ln2(), w8.ln2G, dLn2, dw.ln2G, dw.ln2B));

      // Attention branch: x += Dropout(out(softmax(q k^T / sqrt(hd) + mask) v))
      INDArray dAttnOut = a.attnOutMask() == null ? dx : dx.mul(a.attnOutMask());
      INDArray dAttended = Ops.linearBackward(a.attended(), w8.outW, dAttnOut, dw.outW, dw.outB);
      INDArray dHeads = Ops.toHeads(dAttended, batch, time, heads);
      INDArray usedProbs = a.probsMask() == null ? a.probs() : a.probs().mul(a.probsMask());
      INDArray dUsed = Nd4j.matmul(dHeads, a.v(), false, true, false);
      INDArray dv = Nd4j.matmul(usedProbs, dHeads, true, false, false);
      INDArray dProbs = a.probsMask() == null ? dUsed : dUsed.muli(a.probsMask());
      INDArray dScores = softmaxBackward(a.probs(), dProbs);
      INDArray dq = Ops.fromHeads(Nd4j.matmul(dScores, a.k(), false, false, false)).muli(scale);
      INDArray dk = Ops.fromHeads(Nd4j.matmul(dScores, a.q(), true, false, false));
      INDArray dLn1 = Ops.linearBackward(a.ln1Out(), w8.qW, dq, dw.qW, dw.qB)
          .addi(Ops.linearBackward(a.ln1Out(), w8.kW, dk, dw.kW, dw.kB))
          .addi(Ops.linearBackward(a.ln1Out(), w8.vW, Ops.fromHeads(dv), dw.vW, dw.vB));
      dx.addi(Ops.layerNormBackward(a.ln1(), w8.ln1G, dLn1, dw.ln1G, dw.ln1B));
    }
    Ops.scatterAdd(g.get(ModelParameters.TOKEN_EMBEDDING), fr.tokenIndex, dx);
    Ops.scatterAdd(g.get(ModelParameters.POSITION_EMBEDDING), fr.positionIndex, dx);
    return grads;
  }

  // ---------------------------------------------------------------- inference

  @Override
  public INDArray prefill(ModelParameters p, KvCache cache, int[][] prompts) {
    ModelInputs.checkPrefill(cache, prompts);
    return runPadded(p, prompts, cache);
  }

  @Override
  public INDArray step(ModelParameters p, KvCache cache, int[] nextTokens) {
    ModelConfig c = p.config();
    int batch = nextTokens.length;
    int[] pos = ModelInputs.stepPositions(c, cache, nextTokens);
    INDArray x = embed(p, nextTokens, pos);
    INDArray mask = null;
    if (cache.padded()) {
      int keys = cache.length() + 1;
      double[] m = ModelInputs.stepMask(cache.padding(), keys);
      mask = Nd4j.create(m, new long[] {batch, keys}, 'c').castTo(p.dataType())
          .repeat(0, c.heads());
    }
    x = runBlocks(p, x, batch, 1, mask, cache, Dropout.none(), null);
    return headLogits(p, x);
  }

  @Override
  public INDArray lastLogits(ModelParameters p, int[][] sequences) {
    return runPadded(p, sequences, null);
  }

  private INDArray runPadded(ModelParameters p, int[][] rows, KvCache cache) {
    ModelConfig c = p.config();
    ModelInputs.Padded in = ModelInputs.Padded.of(c, rows);
    int batch = in.batch();
    int time = in.time();
    int[] padding = in.padding();
    int[] tok = in.tokens();
    int[] pos = in.positions();
    boolean padded = in.padded();
    INDArray mask = padded ? paddedCausalMask(padding, time, c.heads(), p.dataType())
        : causalMask(time, p.dataType());
    if (cache != null) {
      ModelInputs.checkCacheRoom(cache, time);
      cache.startRows(padding);
    }
    INDArray x = runBlocks(p, embed(p, tok, pos), batch, time, mask, cache, Dropout.none(), null);
    INDArray last = x.reshape('c', batch, time, c.width())
        .get(NDArrayIndex.all(), NDArrayIndex.point(time - 1), NDArrayIndex.all()).dup('c');
    return headLogits(p, last);
  }

  private static INDArray headLogits(ModelParameters p, INDArray x) {
    INDArray h = Ops.layerNorm(x, p.get(ModelParameters.FINAL_LN_GAIN),
        p.get(ModelParameters.FINAL_LN_BIAS)).out();
    return Nd4j.gemm(h, p.get(ModelParameters.TOKEN_EMBEDDING), false, true);
  }

  // ---------------------------------------------------------------- shared core

  /**
   * All transformer blocks on {@code x [batch*tq, D]}. With a cache, keys/values are appended to it
   * and queries attend to every cached slot; {@code mask} is added to the scores, shaped {@code [1,
   * tq*tk]} (shared) or {@code [batch*heads, tq*tk]}. When {@code record} is non-null the
   * activations backward needs are added to it.
   */
  private INDArray runBlocks(ModelParameters p, INDArray x, int batch, int tq, INDArray mask,
      KvCache cache, Dropout dropout, List<BlockActivations> record) {
    ModelConfig c = p.config();
    int heads = c.heads();
    double scale = 1.0 / Math.sqrt(c.headDim());
    DataType type = p.dataType();
    for (int l = 0; l < c.layers(); l++) {
      Block w = new Block(p.asMap(), l);
      Ops.Norm ln1 = Ops.layerNorm(x, w.ln1G, w.ln1B);
      INDArray q = Ops.toHeads(Ops.linear(ln1.out(), w.qW, w.qB), batch, tq, heads).muli(scale);
      INDArray k = Ops.toHeads(Ops.linear(ln1.out(), w.kW, w.kB), batch, tq, heads);
      INDArray v = Ops.toHeads(Ops.linear(ln1.out(), w.vW, w.vB), batch, tq, heads);
      INDArray keys = k;
      INDArray values = v;
      if (cache != null) {
        cache.write(l, k, v);
        keys = cache.keys(l, cache.length() + tq);
        values = cache.values(l, cache.length() + tq);
      }
      INDArray scores = Nd4j.matmul(q, keys, false, true, false); // [B, H, tq, tk]
      if (mask != null) {
        long tk = scores.size(3);
        INDArray flat = scores.reshape('c', (long) batch * heads, tq * tk);
        flat = mask.size(0) == 1 ? flat.addiRowVector(mask) : flat.addi(mask);
        scores = flat.reshape('c', batch, heads, tq, tk);
      }
      INDArray probs = Ops.softmaxLastDim(scores);
      INDArray probsMask = dropout.mask(type, probs.shape());
      INDArray used = probsMask == null ? probs : probs.mul(probsMask);
      INDArray attended = Ops.fromHeads(Nd4j.matmul(used, values, false, false, false));
      INDArray attnOut = Ops.linear(attended, w.outW, w.outB);
      INDArray attnOutMask = dropout.mask(type, attnOut.shape());
      x.addi(attnOutMask == null ? attnOut : attnOut.muli(attnOutMask));

      Ops.Norm ln2 = Ops.layerNorm(x, w.ln2G, w.ln2B);
      INDArray pre = Ops.linear(ln2.out(), w.fcW, w.fcB);
      INDArray act = Ops.gelu(pre);
      INDArray mlpOut = Ops.linear(act, w.projW, w.projB);
      INDArray mlpOutMask = dropout.mask(type, mlpOut.shape());
      x.addi(mlpOutMask == null ? mlpOut : mlpOut.muli(mlpOutMask));

      if (record != null) {
        record.add(new BlockActivations(ln1, ln1.out(), q, k, v, probs, probsMask, attended,
            attnOutMask, ln2, ln2.out(), pre, act, mlpOutMask));
      }
    }
    if (cache != null) {
      cache.advance(tq);
    }
    return x;
  }

  private static INDArray embed(ModelParameters p, int[] tokens, int[] positions) {
    return Nd4j.pullRows(p.get(ModelParameters.TOKEN_EMBEDDING), 1, tokens, 'c')
        .addi(Nd4j.pullRows(p.get(ModelParameters.POSITION_EMBEDDING), 1, positions, 'c'));
  }

  /** log sum_j exp(logits[i, j]) per row, {@code [rows, 1]}, shifted by the row max for stability. */
  private static INDArray logSumExp(INDArray logits) {
    INDArray max = logits.max(true, 1);
    INDArray sum = Transforms.exp(logits.subColumnVector(max), false).sum(true, 1);
    return Transforms.log(sum, false).addi(max);
  }

  /** d scores from d probs for a row-wise softmax: p * (dp - sum(dp * p)). */
  private static INDArray softmaxBackward(INDArray probs, INDArray dProbs) {
    long last = probs.size(probs.rank() - 1);
    long rows = probs.length() / last;
    INDArray p2 = probs.reshape('c', rows, last);
    INDArray d2 = dProbs.reshape('c', rows, last);
    INDArray dot = d2.mul(p2).sum(true, 1);
    return d2.subColumnVector(dot).muli(p2).reshape('c', probs.shape());
  }

  /** {@code [1, t*t]}: 0 on and below the diagonal, masked above. */
  private INDArray causalMask(int time, DataType type) {
    return causalMasks.computeIfAbsent(time + "/" + type, key ->
        Nd4j.create(ModelInputs.causalMask(time), new long[] {1, (long) time * time}, 'c')
            .castTo(type));
  }

  /** {@code [batch*heads, t*t]}: causal, and row b's first {@code padding[b]} keys masked. */
  private static INDArray paddedCausalMask(int[] padding, int time, int heads, DataType type) {
    return Nd4j.create(ModelInputs.paddedCausalMask(padding, time),
        new long[] {padding.length, (long) time * time}, 'c').castTo(type).repeat(0, heads);
  }

  // ---------------------------------------------------------------- cost model

  /**
   * Training FLOPs per token, for comparing a measured step with a plain matmul loop:
   * {@code 6 * (non-embedding parameters + vocab*width)} for the forward and backward matmuls (the
   * tied LM head is a real {@code width x vocab} matmul, so it is counted) plus
   * {@code 12 * layers * width * seqLen / 2} for attention (QK^T and AV, forward and backward, half
   * of the T x T scores being causally used). The implementation computes full T x T scores, so the
   * executed attention work is twice the counted one.
   */
  public static long trainingFlopsPerToken(ModelConfig c, int seqLen) {
    long d = c.width();
    long f = c.mlpWidth();
    long perLayer = 4 * d * d + 4 * d + 2 * d * f + f + d + 4 * d;
    long nonEmbedding = c.layers() * perLayer + 2 * d;
    long head = (long) c.vocabSize() * d;
    return 6 * (nonEmbedding + head) + 12L * c.layers() * d * seqLen / 2;
  }

  /** One block's parameters (or gradients) by role. */
  private static final class Block {
    final INDArray ln1G;
    final INDArray ln1B;
    final INDArray qW;
    final INDArray qB;
    final INDArray kW;
    final INDArray kB;
    final INDArray vW;
    final INDArray vB;
    final INDArray outW;
    final INDArray outB;
    final INDArray ln2G;
    final INDArray ln2B;
    final INDArray fcW;
    final INDArray fcB;
    final INDArray projW;
    final INDArray projB;

    Block(Map<String, INDArray> m, int l) {
      ln1G = m.get(ModelParameters.block(l, "ln1.gain"));
      ln1B = m.get(ModelParameters.block(l, "ln1.bias"));
      qW = m.get(ModelParameters.block(l, "attn.q.weight"));
      qB = m.get(ModelParameters.block(l, "attn.q.bias"));
      kW = m.get(ModelParameters.block(l, "attn.k.weight"));
      kB = m.get(ModelParameters.block(l, "attn.k.bias"));
      vW = m.get(ModelParameters.block(l, "attn.v.weight"));
      vB = m.get(ModelParameters.block(l, "attn.v.bias"));
      outW = m.get(ModelParameters.block(l, "attn.out.weight"));
      outB = m.get(ModelParameters.block(l, "attn.out.bias"));
      ln2G = m.get(ModelParameters.block(l, "ln2.gain"));
      ln2B = m.get(ModelParameters.block(l, "ln2.bias"));
      fcW = m.get(ModelParameters.block(l, "mlp.fc.weight"));
      fcB = m.get(ModelParameters.block(l, "mlp.fc.bias"));
      projW = m.get(ModelParameters.block(l, "mlp.proj.weight"));
      projB = m.get(ModelParameters.block(l, "mlp.proj.bias"));
    }
  }
}
