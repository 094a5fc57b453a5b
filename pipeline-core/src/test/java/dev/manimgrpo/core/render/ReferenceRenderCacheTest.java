package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.RenderConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("manim")
class ReferenceRenderCacheTest {

  @TempDir Path dir;

  @Test
  void rendersOnceAndServesLaterRequestsFromTheCache() throws Exception {
    RenderConfig render = ManimRuntimeFixture.config().render().withWorkers(1);
    try (RenderWorkerPool pool = ManimRuntimeFixture.referencePool(render, dir.resolve("scratch"))) {
      ReferenceRenderCache cache = new ReferenceRenderCache(dir.resolve("refs"), pool, render);
      RenderResult first = cache.get("ref", RenderWorkerPoolTest.CIRCLE, RenderProfile.FRAMES);
      assertThat(first.status()).isEqualTo(RenderStatus.RENDERED);
      // a second cache over the same folder: as another job or executor would be
      ReferenceRenderCache again = new ReferenceRenderCache(dir.resolve("refs"), pool, render);
      RenderResult second = again.get("ref2", RenderWorkerPoolTest.CIRCLE, RenderProfile.FRAMES);
      assertThat(again.hits()).isEqualTo(1);
      assertThat(again.misses()).isZero();
      assertThat(second.id()).isEqualTo("ref2");
      assertThat(second.frames().gray()).isEqualTo(first.frames().gray());
      assertThat(second.manimVersion()).isEqualTo(pool.manimVersion());

      RenderResult video = cache.get("v", RenderWorkerPoolTest.CIRCLE, RenderProfile.VIDEO);
      assertThat(video.videoFile()).exists();
      assertThat(Files.size(video.videoFile())).isGreaterThan(1000);
      assertThat(cache.key(RenderWorkerPoolTest.CIRCLE, RenderProfile.FRAMES))
          .isNotEqualTo(cache.key(RenderWorkerPoolTest.CIRCLE + "# changed\n", RenderProfile.FRAMES))
          .isNotEqualTo(cache.key(RenderWorkerPoolTest.CIRCLE, RenderProfile.VIDEO));
      RenderConfig tenFps = render.withSampleFps(10.0);
      assertThat(new ReferenceRenderCache(dir, pool, tenFps).key(RenderWorkerPoolTest.CIRCLE, RenderProfile.FRAMES))
          .isNotEqualTo(cache.key(RenderWorkerPoolTest.CIRCLE, RenderProfile.FRAMES));
    }
  }
}
