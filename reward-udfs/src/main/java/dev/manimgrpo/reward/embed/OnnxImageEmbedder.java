package dev.manimgrpo.reward.embed;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.manimgrpo.core.render.VideoFrames;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Image embeddings from an ONNX vision model, such as CLIP ViT-L/14's image tower exported to
 * ONNX (input {@code [N, 3, 224, 224]}, output image embeddings {@code [N, D]}). The input size
 * and channel count are read from the model; frames are resized (area average when shrinking,
 * bilinear when growing), given as R, G, B to a three-channel model when they carry colour (else
 * their luma is copied to every channel), scaled to [0, 1] and normalised
 * per channel with {@code mean} / {@code std} (CLIP's by default). Each embedding is
 * L2-normalised, as the study's CLIP part needs. A rank-3 output ({@code [N, T, D]}) gives its
 * first token.
 *
 * <p>Weights are not shipped (they cannot be fetched here); the loading code is tested with a
 * small model the tests build.
 */
public final class OnnxImageEmbedder implements dev.manimgrpo.reward.visual.ImageEmbedder, AutoCloseable {

  /** CLIP's preprocessing constants. */
  public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
  private static final int BATCH = 16;

  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;
  private final int channels;
  private final int height;
  private final int width;
  private final float[] mean;
  private final float[] std;

  public OnnxImageEmbedder(Path model) throws OrtException {
    this(model, CLIP_MEAN, CLIP_STD);
  }

  public OnnxImageEmbedder(Path model, float[] mean, float[] std) throws OrtException {
    this.env = OrtEnvironment.getEnvironment();
    this.session = env.createSession(model.toString(), new OrtSession.SessionOptions());
    Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
    this.inputName = input.getKey();
    long[] shape = ((TensorInfo) input.getValue().getInfo()).getShape();
    if (shape.length != 4) {
      throw new IllegalArgumentException("image model " + model + " must take [N, C, H, W], takes " + java.util.Arrays.toString(shape));
    }
    this.channels = shape[1] > 0 ? (int) shape[1] : 3;
    this.height = shape[2] > 0 ? (int) shape[2] : 224;
    this.width = shape[3] > 0 ? (int) shape[3] : 224;
    if (mean.length < channels || std.length < channels) {
      throw new IllegalArgumentException("mean/std need " + channels + " values for " + model);
    }
    this.mean = mean.clone();
    this.std = std.clone();
  }

  /** One L2-normalised embedding per frame. */
  public float[][] embed(VideoFrames frames) throws OrtException {
    float[][] out = new float[frames.count()][];
    boolean rgb = channels == 3 && frames.hasColour();
    VideoFrames cb = rgb ? frames.chromaPlane(0) : null;
    VideoFrames cr = rgb ? frames.chromaPlane(1) : null;
    for (int start = 0; start < frames.count(); start += BATCH) {
      int n = Math.min(BATCH, frames.count() - start);
      FloatBuffer buf = FloatBuffer.allocate(n * channels * height * width);
      for (int i = 0; i < n; i++) {
        float[][] planes = planes(frames, cb, cr, start + i);
        for (int c = 0; c < channels; c++) {
          for (float v : planes[planes.length == 1 ? 0 : c]) {
            buf.put((v / 255f - mean[c]) / std[c]);
          }
        }
      }
      buf.flip();
      try (OnnxTensor t = OnnxTensor.createTensor(env, buf, new long[] {n, channels, height, width});
           OrtSession.Result r = session.run(Map.of(inputName, t))) {
        Object value = r.get(0).getValue();
        for (int i = 0; i < n; i++) {
          out[start + i] = Vectors.l2normalise(Vectors.row(value, i));
        }
      }
    }
    return out;
  }

  /**
   * Frame {@code i} at the model's input size: R, G and B planes (0..255) from Y, Cb, Cr (BT.601,
   * full range) when the chroma planes are given (a three-channel model, frames with colour), else
   * the luma plane alone, which every channel then repeats.
   */
  private float[][] planes(VideoFrames frames, VideoFrames cbPlanes, VideoFrames crPlanes, int i) {
    float[] y = Resize.gray(frames, i, width, height);
    if (cbPlanes == null) {
      return new float[][] {y};
    }
    float[] cb = Resize.gray(cbPlanes, i, width, height);
    float[] cr = Resize.gray(crPlanes, i, width, height);
    float[][] rgb = new float[3][y.length];
    for (int p = 0; p < y.length; p++) {
      float u = cb[p] - 128f;
      float v = cr[p] - 128f;
      rgb[0][p] = clamp(y[p] + 1.402f * v);
      rgb[1][p] = clamp(y[p] - 0.344136f * u - 0.714136f * v);
      rgb[2][p] = clamp(y[p] + 1.772f * u);
    }
    return rgb;
  }

  private static float clamp(float v) {
    return Math.max(0f, Math.min(255f, v));
  }

  /** One frame's L2-normalised embedding (the visual similarity's CLIP part asks frame by frame). */
  @Override
  public float[] embed(VideoFrames video, int index) {
    try {
      return embed(video.select(new int[] {index}, video.fps()))[0];
    } catch (OrtException e) {
      throw new IllegalStateException("image embedding model failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return "onnx-image";
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
