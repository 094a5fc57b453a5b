package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SafetensorsFileTest {

  @TempDir
  Path dir;

  @Test
  void readsFloat32TensorsBitForBitWithTheirShapesAndMetadata() throws IOException {
    INDArray matrix = Nd4j.create(new float[] {1.5f, -2f, 3.25f, Float.MIN_VALUE, 0f, 7f},
        new long[] {2, 3}, 'c');
    INDArray vector = Nd4j.createFromArray(new float[] {9f, -9f});
    Path file = new SafetensorsWriter().metadata("format", "pt")
        .f32("a.weight", matrix).f32("b", vector).write(dir.resolve("m.safetensors"));

    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.names()).containsExactly("a.weight", "b");
      assertThat(f.metadata()).containsEntry("format", "pt");
      assertThat(f.info("a.weight").dtype()).isEqualTo(SafetensorsDtype.F32);
      assertThat(f.info("a.weight").shape()).containsExactly(2, 3);
      INDArray read = f.readFloat32("a.weight");
      assertThat(read.dataType()).isEqualTo(DataType.FLOAT);
      assertThat(read).isEqualTo(matrix);
      assertThat(f.readFloat32("b")).isEqualTo(vector);
    }
  }

  @Test
  void readsScalarsAndEmptyTensors() throws IOException {
    Path file = new SafetensorsWriter()
        .raw("scalar", "F32", new long[0], le(4).putFloat(2.5f).array())
        .raw("empty", "F32", new long[] {0, 4}, new byte[0])
        .write(dir.resolve("m.safetensors"));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.readFloat32("scalar").getFloat(0)).isEqualTo(2.5f);
      assertThat(f.readFloat32("scalar").rank()).isZero();
      assertThat(f.readFloat32("empty").shape()).containsExactly(0, 4);
    }
  }

  @Test
  void widensBfloat16Exactly() throws IOException {
    short[] bits = {0x3f80, (short) 0xc020, 0x0001, 0x7f80, (short) 0xff80, 0x7fc0, 0x4049};
    ByteBuffer b = le(2 * bits.length);
    for (short s : bits) {
      b.putShort(s);
    }
    Path file = new SafetensorsWriter().raw("t", "BF16", new long[] {bits.length}, b.array())
        .write(dir.resolve("m.safetensors"));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      float[] v = f.readFloat32("t").toFloatVector();
      for (int i = 0; i < bits.length; i++) {
        assertThat(Float.floatToRawIntBits(v[i])).as("element " + i)
            .isEqualTo((bits[i] & 0xffff) << 16);
      }
      assertThat(v[0]).isEqualTo(1f);
      assertThat(v[1]).isEqualTo(-2.5f);
    }
  }

  @Test
  void widensFloat16ExactlyIncludingSubnormalsInfinitiesAndNan() throws IOException {
    // 1, -2, 65504 (max), 2^-24 (smallest subnormal), 2^-14 (smallest normal), +inf, -0, NaN,
    // 0x03ff (largest subnormal)
    short[] bits = {0x3c00, (short) 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, (short) 0x8000,
        0x7e00, 0x03ff};
    float[] expected = {1f, -2f, 65504f, (float) Math.pow(2, -24), (float) Math.pow(2, -14),
        Float.POSITIVE_INFINITY, -0f, Float.NaN, (float) (1023 * Math.pow(2, -24))};
    ByteBuffer b = le(2 * bits.length);
    for (short s : bits) {
      b.putShort(s);
    }
    Path file = new SafetensorsWriter().raw("t", "F16", new long[] {3, 3}, b.array())
        .write(dir.resolve("m.safetensors"));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      float[] v = f.readFloat32("t").reshape(9).toFloatVector();
      for (int i = 0; i < expected.length; i++) {
        assertThat(Float.valueOf(v[i])).as("element " + i).isEqualTo(Float.valueOf(expected[i]));
      }
      assertThat(Float.floatToRawIntBits(v[6])).isEqualTo(0x80000000);
    }
  }

  @Test
  void streamsATensorLargerThanOneChunk() throws IOException {
    int n = 600_000; // 2.4 MB of F32, over two 1 MiB chunks
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = i * 0.5f - 7;
    }
    INDArray a = Nd4j.create(values, new long[] {1000, 600}, 'c');
    Path file = new SafetensorsWriter().f32("big", a).bf16("small", Nd4j.ones(DataType.FLOAT, 3))
        .write(dir.resolve("m.safetensors"));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.readFloat32("big")).isEqualTo(a);
      assertThat(f.readFloat32("small").toFloatVector()).containsExactly(1f, 1f, 1f);
    }
  }

  @Test
  void refusesToReadOtherDtypesButAcceptsThemInTheHeader() throws IOException {
    Path file = new SafetensorsWriter()
        .raw("ids", "I64", new long[] {2}, new byte[16])
        .raw("w", "F32", new long[] {1}, new byte[4])
        .write(dir.resolve("m.safetensors"));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.info("ids").dtype()).isEqualTo(SafetensorsDtype.I64);
      assertThatThrownBy(() -> f.readFloat32("ids"))
          .isInstanceOf(SafetensorsFormatException.class)
          .hasMessageContaining("m.safetensors").hasMessageContaining("\"ids\"")
          .hasMessageContaining("I64").hasMessageContaining("F32, BF16, F16");
      assertThat(f.readFloat32("w").getFloat(0)).isZero();
    }
  }

  @Test
  void rejectsAnUnknownDtypeNamingTheTensor() throws IOException {
    Path file = new SafetensorsWriter().raw("x", "Q4_K", new long[] {2}, new byte[2])
        .write(dir.resolve("m.safetensors"));
    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .isInstanceOf(SafetensorsFormatException.class)
        .hasMessageContaining("m.safetensors").hasMessageContaining("\"x\"")
        .hasMessageContaining("Q4_K").hasMessageContaining("BF16");
  }

  @Test
  void rejectsOverlappingTensorsNamingBoth() throws IOException {
    SafetensorsWriter w = new SafetensorsWriter().raw("a", "F32", new long[] {2}, new byte[8])
        .raw("b", "F32", new long[] {2}, new byte[8]);
    ObjectNode header = w.header();
    offsets(header, "b", 4, 12);
    Path file = SafetensorsWriter.write(dir.resolve("m.safetensors"), header, new byte[12]);
    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .isInstanceOf(SafetensorsFormatException.class)
        .hasMessageContaining("m.safetensors").hasMessageContaining("\"b\"")
        .hasMessageContaining("overlaps").hasMessageContaining("\"a\"");
  }

  @Test
  void rejectsGapsAndTrailingBytes() throws IOException {
    SafetensorsWriter w = new SafetensorsWriter().raw("a", "F32", new long[] {1}, new byte[4]);
    ObjectNode gap = w.header();
    offsets(gap, "a", 4, 8);
    Path file = SafetensorsWriter.write(dir.resolve("gap.safetensors"), gap, new byte[8]);
    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .hasMessageContaining("gap.safetensors").hasMessageContaining("unused bytes before tensor \"a\"");

    Path trailing = SafetensorsWriter.write(dir.resolve("trailing.safetensors"), w.header(),
        new byte[6]);
    assertThatThrownBy(() -> SafetensorsFile.open(trailing))
        .hasMessageContaining("trailing.safetensors").hasMessageContaining("2 bytes follow");
  }

  @Test
  void rejectsASizeThatDisagreesWithTheShape() throws IOException {
    SafetensorsWriter w = new SafetensorsWriter().raw("a", "BF16", new long[] {3}, new byte[6]);
    ObjectNode header = w.header();
    ((ObjectNode) header.get("a")).putArray("shape").add(4);
    Path file = SafetensorsWriter.write(dir.resolve("m.safetensors"), header, new byte[6]);
    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .hasMessageContaining("\"a\"").hasMessageContaining("BF16[4] = 8.0 bytes")
        .hasMessageContaining("hold 6");
  }

  @Test
  void rejectsATruncatedFile() throws IOException {
    SafetensorsWriter w = new SafetensorsWriter().raw("a", "F32", new long[] {4}, new byte[16]);
    Path file = SafetensorsWriter.write(dir.resolve("m.safetensors"), w.header(), new byte[10]);
    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .hasMessageContaining("m.safetensors").hasMessageContaining("\"a\" ends at data byte 16")
        .hasMessageContaining("truncated");
  }

  @Test
  void rejectsAnImpossibleHeaderLengthAndNonJsonHeaders() throws IOException {
    Path huge = dir.resolve("huge.safetensors");
    Files.write(huge, le(16).putLong(1L << 40).putLong(0).array());
    assertThatThrownBy(() -> SafetensorsFile.open(huge))
        .hasMessageContaining("huge.safetensors").hasMessageContaining("header length");

    Path tiny = dir.resolve("tiny.safetensors");
    Files.write(tiny, new byte[5]);
    assertThatThrownBy(() -> SafetensorsFile.open(tiny)).hasMessageContaining("5 bytes");

    Path notJson = SafetensorsWriter.write(dir.resolve("bad.safetensors"), "{\"a\": [1,", new byte[0]);
    assertThatThrownBy(() -> SafetensorsFile.open(notJson))
        .hasMessageContaining("bad.safetensors").hasMessageContaining("not valid JSON");
  }

  @Test
  void rejectsDuplicateTensorNames() throws IOException {
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    Path file = SafetensorsWriter.write(dir.resolve("m.safetensors"), header, new byte[8]);
    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .hasMessageContaining("m.safetensors").hasMessageContaining("Duplicate field 'a'");
  }

  @Test
  void halfToFloatAgreesWithEveryFiniteHalfAsADoubleComputation() {
    for (int h = 0; h < 0x10000; h++) {
      int exponent = (h >>> 10) & 0x1f;
      if (exponent == 0x1f) {
        continue;
      }
      int mantissa = h & 0x3ff;
      double magnitude = exponent == 0 ? mantissa * Math.pow(2, -24)
          : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
      double expected = (h & 0x8000) != 0 ? -magnitude : magnitude;
      assertThat((double) SafetensorsFile.halfToFloat(h)).as("half 0x%04x", h).isEqualTo(expected);
    }
  }

  private static void offsets(ObjectNode header, String name, long begin, long end) {
    ((ObjectNode) header.get(name)).putArray("data_offsets").add(begin).add(end);
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
