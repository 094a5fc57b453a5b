package dev.manimgrpo.reward.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.manimgrpo.core.render.VideoFrames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX loading code, run by the real ONNX Runtime on small models built by the test. */
class OnnxEmbeddersTest {

  @TempDir Path dir;

  @Test
  void imageEmbedderPreprocessesRunsAndNormalises() throws Exception {
    // W maps channel means to a 4-d embedding: e = [m0, m1, m2, m0 + m1 + m2]
    float[] w = {1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1};
    Path model = TinyOnnx.imageModel(dir.resolve("image.onnx"), w);
    // Two 16x10 frames: all 255, and all 0.
    byte[] gray = new byte[2 * 16 * 10];
    Arrays.fill(gray, 0, 160, (byte) 255);
    VideoFrames frames = new VideoFrames(16, 10, 5.0, 2, gray);
    float[] mean = {0.5f, 0.5f, 0.5f};
    float[] std = {0.5f, 0.25f, 1f};
    try (OnnxImageEmbedder e = new OnnxImageEmbedder(model, mean, std)) {
      float[][] out = e.embed(frames);
      assertThat(out).hasNumberOfRows(2);
      // white: channel values (1-0.5)/std = [1, 2, 0.5]; e = [1, 2, 0.5, 3.5], |e| = sqrt(17.5)
      double n = Math.sqrt(1 + 4 + 0.25 + 12.25);
      assertThat(out[0]).containsExactly(new float[] {(float) (1 / n), (float) (2 / n), (float) (0.5 / n), (float) (3.5 / n)}, offset(1e-5f));
      // black: [-1, -2, -0.5, -3.5] normalised: the opposite direction
      assertThat(Vectors.dot(out[0], out[1])).isCloseTo(-1.0, offset(1e-5));
    }
  }

  @Test
  void imageEmbedderGivesAThreeChannelModelTheFramesColours() throws Exception {
    float[] w = {1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1};
    Path model = TinyOnnx.imageModel(dir.resolve("image-rgb.onnx"), w);
    // One 16x10 frame of pure red (255, 0, 0): Y 76, Cb 85, Cr 255 (BT.601 full range, rounded).
    byte[] y = new byte[160];
    byte[] c = new byte[320];
    Arrays.fill(y, (byte) 76);
    Arrays.fill(c, 0, 160, (byte) 85);
    Arrays.fill(c, 160, 320, (byte) 255);
    float[] mean = {0.5f, 0.5f, 0.5f};
    float[] std = {0.5f, 0.25f, 1f};
    try (OnnxImageEmbedder e = new OnnxImageEmbedder(model, mean, std)) {
      float[] red = e.embed(new VideoFrames(16, 10, 5.0, 1, y, c))[0];
      // R, G, B = 1, 0, 0 (up to rounding): channels [1, -2, -0.5], e = [1, -2, -0.5, -1.5]
      double n = Math.sqrt(1 + 4 + 0.25 + 2.25);
      assertThat(red).containsExactly(new float[] {(float) (1 / n), (float) (-2 / n), (float) (-0.5 / n),
          (float) (-1.5 / n)}, offset(1e-2f));
      float[] gray = e.embed(new VideoFrames(16, 10, 5.0, 1, y))[0];
      assertThat(Vectors.dot(red, gray)).as("the same luma without its colour is another picture").isLessThan(0.9);
    }
  }

  @Test
  void bpeTokenizerMergesByRankAndRoundTripsBytes() throws Exception {
    Path modelDir = tinyTextModelDir();
    ByteLevelBpeTokenizer tok = ByteLevelBpeTokenizer.load(modelDir, 16);
    String space = String.valueOf(ByteLevelBpeTokenizer.charFor(' '));
    // "self.play" -> pieces "self", ".", "play"; merges make "se", "self"? only ranked merges apply
    assertThat(tok.tokens("self.play")).containsExactly("self", ".", "pl", "ay");
    assertThat(tok.tokens(" self")).containsExactly(space + "self");
    // unknown bytes still tokenise (to single-byte symbols), and ids fall back to <unk>
    long[] ids = tok.encode("é");
    assertThat(ids[0]).isEqualTo(0);
    assertThat(ids[ids.length - 1]).isEqualTo(2);
    assertThat(ids).contains(3L);
    // cut to max length with <s> and </s> kept
    assertThat(tok.encode("self ".repeat(40))).hasSize(16);
  }

  @Test
  void codeEmbedderMeanPoolsTheHiddenStates() throws Exception {
    Path modelDir = tinyTextModelDir();
    try (OnnxCodeEmbedder e = new OnnxCodeEmbedder(modelDir, 64)) {
      assertThat(e.cosine("self.play", "self.play")).isCloseTo(1.0, offset(1e-6));
      // one-hot embeddings: mean pooling gives token counts. <s> self . pl ay </s> vs <s> x </s>
      // share <s> and </s>: cosine = 2 / (sqrt(6) * sqrt(3)) = 0.4714
      assertThat(e.cosine("self.play", "x")).isCloseTo(2 / Math.sqrt(18), offset(1e-6));
      float[] v = e.embed("self");
      double norm = Math.sqrt(Vectors.dot(v, v));
      assertThat(norm).isCloseTo(1.0, offset(1e-6));
    }
  }

  /** vocab: <s>=0 <pad>=1 </s>=2 <unk>=3, then tokens; merges s+e, se+l, sel+f, p+l, a+y, Gs+elf (space). */
  private Path tinyTextModelDir() throws Exception {
    Path d = Files.createDirectories(dir.resolve("code-model"));
    String sp = String.valueOf(ByteLevelBpeTokenizer.charFor(' '));
    List<String> tokens = List.of("<s>", "<pad>", "</s>", "<unk>", "s", "e", "l", "f", ".", "p", "a", "y", "x",
        "se", "sel", "self", "pl", "ay", sp, sp + "self");
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      vocab.put(tokens.get(i), i);
    }
    new ObjectMapper().writeValue(d.resolve("vocab.json").toFile(), vocab);
    Files.writeString(d.resolve("merges.txt"), "#version: 0.2\ns e\nse l\nsel f\np l\na y\n" + sp + " self\n");
    int dim = tokens.size();
    float[] emb = new float[tokens.size() * dim];
    for (int i = 0; i < tokens.size(); i++) {
      emb[i * dim + i] = 1; // one-hot
    }
    TinyOnnx.textModel(d.resolve("model.onnx"), emb, tokens.size(), dim);
    return d;
  }
}
