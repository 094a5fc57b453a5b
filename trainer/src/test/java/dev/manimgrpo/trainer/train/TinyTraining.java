package dev.manimgrpo.trainer.train;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.trainer.data.SftDataset;
import dev.manimgrpo.trainer.data.SftExample;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A tiny trainer configuration and data for tests: fast on a 2-core machine. */
final class TinyTraining {

  private TinyTraining() {}

  /** trainer.* with a one-layer width-16 model and small steps; {@code extra} overrides. */
  static TrainerConfig config(Map<String, String> extra) {
    Map<String, String> o = new HashMap<>();
    o.put("trainer.model.layers", "1");
    o.put("trainer.model.heads", "2");
    o.put("trainer.model.width", "16");
    o.put("trainer.model.context-length", "640");
    o.put("trainer.model.dropout", "0.1");
    o.put("trainer.vocab-size", "400");
    o.put("trainer.optimizer.learning-rate", "0.03");
    o.put("trainer.grpo.learning-rate", "0.03");
    o.put("trainer.optimizer.warmup-steps", "2");
    o.put("trainer.sft.steps", "20");
    o.put("trainer.sft.batch-size", "2");
    o.put("trainer.checkpoint-every", "5");
    o.putAll(extra);
    return ConfigLoader.load(null, o).trainer();
  }

  /** The {@code n} shortest bundled training examples. */
  static SftDataset shortest(int n) {
    List<SftExample> all = SftDataset.bundled("Reviewed Description", "train").examples().stream()
        .sorted(Comparator.comparingInt(e -> e.code().length() + e.prompt().length())).limit(n).toList();
    return new SftDataset("bundled", "train", all);
  }
}
