package dev.manimgrpo.policy.hf.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.policy.hf.gguf.GgufWriter.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF container read back by a reader written here from the format's description. */
class GgufWriterTest {

  @TempDir Path tmp;

  @Test
  void writesHeaderMetadataTensorInfosAndAlignedData() throws Exception {
    Path file = tmp.resolve("t.gguf");
    new GgufWriter()
        .putString("general.architecture", "llama")
        .putUint32("llama.block_count", 2)
        .putFloat32("llama.rope.freq_base", 500000)
        .putBool("tokenizer.ggml.add_bos_token", true)
        .putStrings("tokenizer.ggml.tokens", List.of("a", "Ġb", "<|x|>"))
        .putInt32s("tokenizer.ggml.token_type", new int[] {1, 1, 3})
        .tensor("w", new long[] {2, 3}, TensorType.F32, () -> new float[] {1, 2, 3, 4, 5, 6})
        .tensor("n", new long[] {3}, TensorType.F16, () -> new float[] {1, -2, 0.5f})
        .write(file);

    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new String(new byte[] {b.get(), b.get(), b.get(), b.get()}, StandardCharsets.US_ASCII)).isEqualTo("GGUF");
    assertThat(b.getInt()).isEqualTo(3);
    assertThat(b.getLong()).isEqualTo(2);
    long kvs = b.getLong();
    Map<String, Object> meta = new LinkedHashMap<>();
    for (int i = 0; i < kvs; i++) {
      String key = string(b);
      meta.put(key, value(b, b.getInt()));
    }
    assertThat(meta).containsExactly(Map.entry("general.architecture", "llama"), Map.entry("llama.block_count", 2),
        Map.entry("llama.rope.freq_base", 500000f), Map.entry("tokenizer.ggml.add_bos_token", true),
        Map.entry("tokenizer.ggml.tokens", List.of("a", "Ġb", "<|x|>")),
        Map.entry("tokenizer.ggml.token_type", List.of(1, 1, 3)));

    assertThat(string(b)).isEqualTo("w");
    assertThat(b.getInt()).isEqualTo(2);
    assertThat(new long[] {b.getLong(), b.getLong()}).as("innermost dimension first").containsExactly(3, 2);
    assertThat(b.getInt()).isEqualTo(0);
    assertThat(b.getLong()).isEqualTo(0);
    assertThat(string(b)).isEqualTo("n");
    assertThat(b.getInt()).isEqualTo(1);
    assertThat(b.getLong()).isEqualTo(3);
    assertThat(b.getInt()).isEqualTo(1);
    assertThat(b.getLong()).as("24 bytes of w, padded to 32").isEqualTo(32);

    int data = (int) GgufWriter.align(b.position());
    for (int i = b.position(); i < data; i++) {
      assertThat(b.get(i)).as("padding").isZero();
    }
    for (int i = 0; i < 6; i++) {
      assertThat(b.getFloat(data + 4 * i)).isEqualTo(i + 1f);
    }
    assertThat(new short[] {b.getShort(data + 32), b.getShort(data + 34), b.getShort(data + 36)})
        .containsExactly((short) 0x3C00, (short) 0xC000, (short) 0x3800);
    assertThat(b.capacity()).as("the last tensor padded too").isEqualTo(data + 64);
  }

  @Test
  void refusesDuplicatesAndDataOfTheWrongSize() {
    GgufWriter w = new GgufWriter().putUint32("k", 1).tensor("t", new long[] {2}, TensorType.F32, () -> new float[3]);
    assertThatThrownBy(() -> w.putString("k", "again")).hasMessageContaining("k set twice");
    assertThatThrownBy(() -> w.tensor("t", new long[] {1}, TensorType.F32, () -> new float[1]))
        .hasMessageContaining("added twice");
    assertThatThrownBy(() -> w.write(tmp.resolve("bad.gguf"))).hasMessageContaining("has 3 values");
  }

  private static String string(ByteBuffer b) {
    byte[] s = new byte[(int) b.getLong()];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  private static Object value(ByteBuffer b, int type) {
    return switch (type) {
      case 4, 5 -> b.getInt();
      case 6 -> b.getFloat();
      case 7 -> b.get() != 0;
      case 8 -> string(b);
      case 9 -> {
        int elementType = b.getInt();
        long n = b.getLong();
        List<Object> list = new ArrayList<>();
        for (long i = 0; i < n; i++) {
          list.add(value(b, elementType));
        }
        yield list;
      }
      default -> throw new AssertionError("unexpected value type " + type);
    };
  }
}
