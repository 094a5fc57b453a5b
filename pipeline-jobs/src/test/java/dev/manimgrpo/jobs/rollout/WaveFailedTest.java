package dev.manimgrpo.jobs.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** A wave that could not be written is one line that names the step's folder, the cause and the rerun. */
class WaveFailedTest {

  @Test
  void namesTheFolderTheRootCauseInOneLineAndTheRerun() {
    Exception spark = new RuntimeException("Job aborted due to stage failure: Task 0 in stage 3.0 failed 4 times\n"
        + "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2900)\n",
        new IOException("upload failed", new ConnectException("Connection refused\nmore detail")));
    RolloutJob.WaveFailed e = new RolloutJob.WaveFailed("r1", 3, "s3a://b/rollouts/run_id=r1/step=3", "groups 5-8 of 8",
        spark);

    assertThat(e.getMessage()).doesNotContain("\n")
        .contains("s3a://b/rollouts/run_id=r1/step=3")
        .contains("groups 5-8 of 8")
        .contains("ConnectException: Connection refused")
        .contains("rerun the same step (--run-id r1 --step 3)");
    assertThat(e.getCause()).isSameAs(spark);
  }

  @Test
  void aLongCauseIsShortened() {
    String cause = RolloutJob.WaveFailed.rootCause(new IllegalStateException("x".repeat(500)));
    assertThat(cause).startsWith("IllegalStateException: xxx").hasSizeLessThan(240);
  }
}
