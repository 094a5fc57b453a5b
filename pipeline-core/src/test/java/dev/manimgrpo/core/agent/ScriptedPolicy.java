package dev.manimgrpo.core.agent;

import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PolicyClient;
import java.util.ArrayList;
import java.util.List;

/** A policy that answers a fixed script, one answer per call, and keeps the prompts it was given. */
final class ScriptedPolicy implements PolicyClient {

  private final List<String> answers;
  final List<String> prompts = new ArrayList<>();

  ScriptedPolicy(String... answers) {
    this.answers = java.util.Arrays.asList(answers); // null: a failed generation
  }

  @Override
  public String policyId() {
    return "scripted";
  }

  @Override
  public boolean trainerReproducible() {
    return false;
  }

  @Override
  public synchronized List<Generation> generate(GroupRequest request) {
    int call = prompts.size();
    prompts.add(request.taskPrompt());
    String answer = answers.get(Math.min(call, answers.size() - 1));
    if (answer == null) {
      return List.of(Generation.failed(0, request.seed(0), "scripted failure", 0.01));
    }
    return List.of(new Generation(0, request.seed(0), answer, new int[] {1, 2, 3}, new int[] {4, 5}, null, "stop",
        null, 0.01));
  }
}
