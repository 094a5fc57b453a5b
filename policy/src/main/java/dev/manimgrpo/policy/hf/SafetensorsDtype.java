package dev.manimgrpo.policy.hf;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types a safetensors header may name, with their widths in bits. Every one is
 * understood (so a file's offsets can be checked whatever it holds), but only {@link #F32}, {@link
 * #BF16} and {@link #F16} can be read as float32 ({@link #readable()}); {@code F64}, the integer
 * and boolean types and the 8-, 6- and 4-bit float formats are refused when read.
 */
public enum SafetensorsDtype {
  BOOL(8, false),
  U8(8, false),
  I8(8, false),
  F8_E5M2(8, false),
  F8_E4M3(8, false),
  F8_E8M0(8, false),
  F6_E2M3(6, false),
  F6_E3M2(6, false),
  F4(4, false),
  I16(16, false),
  U16(16, false),
  F16(16, true),
  BF16(16, true),
  I32(32, false),
  U32(32, false),
  F32(32, true),
  F64(64, false),
  C64(64, false),
  I64(64, false),
  U64(64, false);

  private final int bits;
  private final boolean readable;

  SafetensorsDtype(int bits, boolean readable) {
    this.bits = bits;
    this.readable = readable;
  }

  public int bits() {
    return bits;
  }

  /** Whether {@link SafetensorsFile#readFloat32} converts this type. */
  public boolean readable() {
    return readable;
  }

  /** The readable types, for error messages: "F32, BF16, F16". */
  public static String readableNames() {
    return "F32, BF16, F16";
  }

  /** The type of a header's {@code dtype} string; an unknown one fails naming the known ones. */
  public static SafetensorsDtype parse(String name) {
    for (SafetensorsDtype d : values()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown safetensors dtype \"" + name + "\"; known: "
        + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
  }
}
