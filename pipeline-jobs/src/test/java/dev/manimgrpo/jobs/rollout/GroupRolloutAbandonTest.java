package dev.manimgrpo.jobs.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.RenderStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A failed task's started groups give their queued renders back: the render threads waiting for a
 * worker (as the pool's {@code idle.take()} does) are interrupted and give up.
 */
class GroupRolloutAbandonTest {

  @Test
  void abandonInterruptsTheRendersStillWaitingForAWorker() throws Exception {
    BlockingQueue<Object> noIdleWorker = new ArrayBlockingQueue<>(1);
    int renders = 3;
    CountDownLatch waiting = new CountDownLatch(renders);
    CountDownLatch gaveUp = new CountDownLatch(renders);
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      Map<Integer, Future<RenderResult>> queued = new java.util.HashMap<>();
      for (int i = 0; i < renders; i++) {
        String id = "g-" + i;
        queued.put(i, threads.submit(() -> {
          waiting.countDown();
          try {
            noIdleWorker.take();
            return RenderResult.failure(id, RenderStatus.SANDBOX_ERROR, "got a worker", null, 0);
          } catch (InterruptedException e) {
            gaveUp.countDown();
            throw e;
          }
        }));
      }
      assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
      GroupRollout.Started group = new GroupRollout.Started(null, null, "g", List.of(), null, null, queued, null);

      group.abandon();

      assertThat(gaveUp.await(10, TimeUnit.SECONDS)).as("every waiting render was interrupted").isTrue();
      assertThat(queued.values()).allMatch(Future::isCancelled);
    } finally {
      threads.shutdownNow();
    }
  }
}
