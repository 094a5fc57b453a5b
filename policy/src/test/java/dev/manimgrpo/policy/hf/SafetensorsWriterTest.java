package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The safetensors writer: the reference layout, dtype conversion as torch rounds, atomic writes. */
class SafetensorsWriterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theHeaderIsLengthPrefixedSpacePaddedToEightAndOffsetsAreBackToBack() throws IOException {
    SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt")
        .f32("b.weight", Nd4j.arange(6).castTo(DataType.FLOAT).reshape(2, 3))
        .bf16("a.bias", Nd4j.ones(DataType.FLOAT, 3))
        .f16("c", Nd4j.ones(DataType.FLOAT, 1, 1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    w.writeTo(out);
    byte[] file = out.toByteArray();
    long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(n % 8).isZero();
    assertThat(file.length).isEqualTo(8 + n + 6 * 4 + 3 * 2 + 2);
    assertThat(w.dataBytes()).isEqualTo(6 * 4 + 3 * 2 + 2);
    String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
    String json = header.stripTrailing();
    assertThat(header.substring(json.length())).matches(" {0,7}");
    assertThat(json).startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"b.weight\":"
        + "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}");
    JsonNode h = JSON.readTree(json);
    assertThat(h.path("a.bias").path("dtype").asText()).isEqualTo("BF16");
    assertThat(h.path("a.bias").path("data_offsets").toString()).isEqualTo("[24,30]");
    assertThat(h.path("c").path("data_offsets").toString()).isEqualTo("[30,32]");
    assertThat(h.path("c").path("shape").toString()).isEqualTo("[1,1]");
  }

  @Test
  void everyDtypeReadsBackThroughTheReader() throws IOException {
    INDArray a = Nd4j.create(new float[] {1.5f, -0.25f, 3f, 1024f, 0f, -7.75f}, new long[] {3, 2}, 'c');
    INDArray view = Nd4j.arange(12).castTo(DataType.FLOAT).reshape(3, 4).transpose(); // not 'c' order
    Path file = new SafetensorsWriter().metadata("format", "pt").f32("f32", a).bf16("bf16", a)
        .f16("f16", a).f32("view", view).write(dir.resolve("m.safetensors"));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.metadata()).containsEntry("format", "pt");
      for (String name : new String[] {"f32", "bf16", "f16"}) {
        assertThat(f.readFloat32(name)).as(name).isEqualTo(a);
      }
      assertThat(f.readFloat32("view")).isEqualTo(view.dup('c'));
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("m.safetensors");
    }
  }

  @Test
  void halfConversionIsExactForEveryHalfAndRoundsTiesToEven() {
    for (int h = 0; h < 0x10000; h++) {
      float f = SafetensorsFile.halfToFloat(h);
      if (Float.isNaN(f)) {
        assertThat(Float.isNaN(SafetensorsFile.halfToFloat(SafetensorsWriter.floatToHalf(f) & 0xffff))).isTrue();
        continue;
      }
      assertThat(SafetensorsWriter.floatToHalf(f) & 0xffff).as("half %04x", h).isEqualTo(h);
    }
    // Between 1 (0x3c00) and the next half, 1 + 2^-10: the midpoint goes to the even one, 1.
    assertThat(SafetensorsWriter.floatToHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);
    assertThat(SafetensorsWriter.floatToHalf(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3c02);
    assertThat(SafetensorsWriter.floatToHalf(Math.nextUp(1f + 0x1p-11f))).isEqualTo((short) 0x3c01);
    assertThat(SafetensorsWriter.floatToHalf(65504f)).isEqualTo((short) 0x7bff);
    assertThat(SafetensorsWriter.floatToHalf(65519f)).isEqualTo((short) 0x7bff);
    assertThat(SafetensorsWriter.floatToHalf(65520f)).isEqualTo((short) 0x7c00);
    assertThat(SafetensorsWriter.floatToHalf(-1e9f)).isEqualTo((short) 0xfc00);
    // Subnormals: the smallest is 2^-24; half of it ties to even (zero), a bit more rounds up.
    assertThat(SafetensorsWriter.floatToHalf(0x1p-25f)).isEqualTo((short) 0);
    assertThat(SafetensorsWriter.floatToHalf(Math.nextUp(0x1p-25f))).isEqualTo((short) 1);
    assertThat(SafetensorsWriter.floatToHalf(3 * 0x1p-25f)).isEqualTo((short) 2);
    assertThat(SafetensorsWriter.floatToHalf(-1e-30f)).isEqualTo((short) 0x8000);
  }

  @Test
  void bfloat16RoundsToNearestEvenAsTorchDoes() {
    assertThat(SafetensorsWriter.floatToBf16(1f)).isEqualTo((short) 0x3f80);
    // bf16 keeps 7 mantissa bits: 1 + 2^-8 is the midpoint of 1 and 1 + 2^-7.
    assertThat(SafetensorsWriter.floatToBf16(1f + 0x1p-8f)).isEqualTo((short) 0x3f80);
    assertThat(SafetensorsWriter.floatToBf16(1f + 3 * 0x1p-8f)).isEqualTo((short) 0x3f82);
    assertThat(SafetensorsWriter.floatToBf16(Math.nextUp(1f + 0x1p-8f))).isEqualTo((short) 0x3f81);
    assertThat(SafetensorsWriter.floatToBf16(-2.5f)).isEqualTo((short) 0xc020);
    assertThat(SafetensorsWriter.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7f80);
    short nan = SafetensorsWriter.floatToBf16(Float.intBitsToFloat(0x7f800001));
    assertThat(Float.isNaN(Float.intBitsToFloat((nan & 0xffff) << 16))).isTrue();
  }

  @Test
  void onlyFloatTypesAreWrittenAndNamesAreUnique() {
    assertThatThrownBy(() -> new SafetensorsWriter().tensor("x", SafetensorsDtype.I32, Nd4j.ones(2)))
        .hasMessageContaining("F32, BF16, F16");
    assertThatThrownBy(() -> new SafetensorsWriter().f32("x", Nd4j.ones(2)).f32("x", Nd4j.ones(2)))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> new SafetensorsWriter().f32("__metadata__", Nd4j.ones(2)))
        .hasMessageContaining("reserved");
    assertThat(Arrays.copyOf(SafetensorsWriter.headerBytes("{}"), 8))
        .isEqualTo(new byte[] {8, 0, 0, 0, 0, 0, 0, 0});
  }
}
