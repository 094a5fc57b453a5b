package dev.manimgrpo.policy.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.flatbuffers.Constants;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's FlatBuffers code (generated with flatc 1.12) on the flatbuffers-java the build pins: Spark's
 * Arrow needs 25.x, and Spark's jars bring it to every executor, so ND4J must work with it. A SameDiff
 * graph is written to FlatBuffers and read back (FlatBufferBuilder, tables, vectors, strings).
 */
class FlatBuffersRuntimeTest {

  @Test
  void theClassPathHasThePinnedFlatBuffers() throws Exception {
    // Each flatbuffers-java release adds its own version marker to Constants; 1.12 has no 25.2.10 one.
    assertThat(Constants.class.getMethod("FLATBUFFERS_25_2_10")).isNotNull();
  }

  @Test
  void aSameDiffGraphRoundTripsThroughFlatBuffers() throws Exception {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.var("x", Nd4j.createFromArray(new float[][] {{1f, 2f}, {3f, 4f}}));
    SDVariable y = x.mul(2.0).sum().rename("y");

    ByteBuffer bytes = sd.asFlatBuffers(true);
    SameDiff back = SameDiff.fromFlatBuffers(bytes);

    assertThat(back.getVariable("x").getArr()).isEqualTo(sd.getVariable("x").getArr());
    assertThat(back.outputSingle(Map.of(), y.name()).getDouble(0)).isEqualTo(20.0);
  }
}
