package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Every live worker on the host gets a sandbox uid no other worker holds. */
class SandboxUidsTest {

  @Test
  void claimedUidsAreDistinctUntilGivenBack() throws Exception {
    Assumptions.assumeTrue(Sandbox.jvmIsRoot(), "uids are only switched when the JVM runs as root");
    int base = 64000;
    SandboxUids.Lease a = SandboxUids.claim(base);
    SandboxUids.Lease b = SandboxUids.claim(base);
    assertThat(a.uid()).isNotEqualTo(b.uid());
    // another JVM on the same host sees both taken
    Process other = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), SandboxUidsTest.class.getName() + "$Claim", String.valueOf(base))
        .redirectErrorStream(true).start();
    String theirs = new String(other.getInputStream().readAllBytes()).strip();
    assertThat(other.waitFor()).isZero();
    Set<Integer> held = new HashSet<>(List.of(a.uid(), b.uid()));
    assertThat(held).doesNotContain(Integer.parseInt(theirs.lines().reduce((x, y) -> y).orElseThrow()));
    int given = a.uid();
    a.close();
    SandboxUids.Lease again = SandboxUids.claim(base);
    assertThat(again.uid()).isEqualTo(given);
    again.close();
    b.close();
  }

  /** Claims one uid in a separate JVM and prints it. */
  public static final class Claim {
    public static void main(String[] args) {
      System.out.println(SandboxUids.claim(Integer.parseInt(args[0])).uid());
    }
  }
}
