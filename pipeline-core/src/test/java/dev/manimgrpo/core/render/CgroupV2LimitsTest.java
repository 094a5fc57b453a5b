package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.render.CgroupV2Limits.Availability;
import dev.manimgrpo.core.render.CgroupV2Limits.Settings;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection and group handling against a fake cgroupfs in a temp folder: nothing here creates,
 * writes or moves a real cgroup. On the real host only {@link CgroupV2Limits#detect()} runs.
 */
class CgroupV2LimitsTest {

  private static final String ROOTFS = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n";
  private static final String V2 = ROOTFS
      + "24 22 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n";
  private static final String V1 = ROOTFS
      + "31 22 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      + "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
      + "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
      + "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n";
  private static final String HYBRID = V1
      + "30 31 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw\n";
  private static final String SELF = "0::/user.slice/app\n";
  private static final String ALL = "cpuset cpu io memory hugetlb pids rdma misc";

  @TempDir Path tmp;
  private Path fs;
  private Path own;
  private FakeKernel kernel;

  @BeforeEach
  void setUp() throws IOException {
    fs = tmp.resolve("cgroupfs");
    own = fs.resolve("user.slice/app");
    kernel = new FakeKernel(fs);
  }

  // ---- detection

  @Test
  void v2WithDelegatedControllersIsUsable() throws IOException {
    layout(ALL, "", "");
    Availability a = detect(V2, SELF);
    assertThat(a.available()).as(a.reason()).isTrue();
    assertThat(a.ownCgroup()).isEqualTo(own);
    assertThat(a.reason()).contains(own.toString());
  }

  @Test
  void v1OnlyHostIsUnavailableAndSaysSo() throws IOException {
    layout(ALL, "", "");
    // the kernel lists a 0:: line even on a v1 host; the mount decides
    Availability a = detect(V1, "4:memory:/x\n0::/\n");
    assertThat(a.available()).isFalse();
    assertThat(a.ownCgroup()).isNull();
    assertThat(a.reason()).contains("cgroup v1").contains("no cgroup v2 mount").contains("Delegate=yes");
  }

  @Test
  void noCgroupFilesystemAtAll() throws IOException {
    Availability a = detect(ROOTFS, SELF);
    assertThat(a.available()).isFalse();
    assertThat(a.reason()).contains("no cgroup filesystem");
  }

  @Test
  void hybridIsUsableOnlyWhenTheControllersAreOnTheUnifiedHierarchy() throws IOException {
    // stock hybrid: the unified hierarchy has no controllers, v1 keeps them
    layout("", "", "");
    Availability stock = detect(HYBRID, "4:memory:/user.slice\n0::/user.slice/app\n");
    assertThat(stock.available()).isFalse();
    assertThat(stock.reason()).contains("hybrid").contains("memory, pids, cpu")
        .contains(own.resolve("cgroup.controllers").toString());

    Files.writeString(own.resolve("cgroup.controllers"), "cpu memory pids");
    Availability moved = detect(HYBRID, "0::/user.slice/app\n");
    assertThat(moved.available()).as(moved.reason()).isTrue();
    assertThat(moved.ownCgroup()).isEqualTo(own);
  }

  @Test
  void aMissingControllerIsNamed() throws IOException {
    layout("cpu memory io", "", "");
    Availability a = detect(V2, SELF);
    assertThat(a.available()).isFalse();
    assertThat(a.ownCgroup()).isEqualTo(own);
    assertThat(a.reason()).contains("lacks pids").doesNotContain("lacks memory")
        .contains(own.resolve("cgroup.controllers").toString()).contains("subtree_control");
  }

  @Test
  void noUnifiedEntryInProcSelfCgroup() throws IOException {
    layout(ALL, "", "");
    Availability a = detect(V2, "4:memory:/user.slice/app\n");
    assertThat(a.available()).isFalse();
    assertThat(a.reason()).contains("0::").contains("self-cgroup");
  }

  @Test
  void aFileWhereTheCgroupFolderShouldBeIsUnavailable() throws IOException {
    Files.createDirectories(own.getParent());
    Files.writeString(own, "not a folder");
    Availability a = detect(V2, SELF);
    assertThat(a.available()).isFalse();
    assertThat(a.reason()).contains(own.toString()).contains("not a folder");
  }

  @Test
  void aMissingInterfaceFileIsNamed() throws IOException {
    layout(ALL, "", "");
    Files.delete(own.resolve("cgroup.subtree_control"));
    Availability a = detect(V2, SELF);
    assertThat(a.available()).isFalse();
    assertThat(a.reason()).contains(own.resolve("cgroup.subtree_control") + " is missing");
  }

  @Test
  void anUnwritableCgroupIsUnavailable() throws IOException {
    // the JVM runs as root here, so file modes stop nothing: the check is injected
    layout(ALL, "", "");
    Path subtree = own.resolve("cgroup.subtree_control");
    kernel.unwritable = subtree::equals;
    Availability a = detect(V2, SELF);
    assertThat(a.available()).isFalse();
    assertThat(a.reason()).contains(subtree + " is not writable").contains("Delegate=yes");
  }

  @Test
  void aReadOnlyMountIsUnavailable() throws IOException {
    layout(ALL, "", "");
    Availability a = detect(V2.replace("/sys/fs/cgroup rw,", "/sys/fs/cgroup ro,"), SELF);
    assertThat(a.available()).isFalse();
    assertThat(a.reason()).contains("read-only");
  }

  @Test
  void aMountThatShowsPartOfTheHierarchyIsResolvedFromItsRoot() throws IOException {
    String ns = ROOTFS + "24 22 0:22 /kubepods/pod1 /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw\n";
    Path ctr = fs.resolve("ctr");
    layout(ctr, ALL, "", "");
    Availability a = detect(ns, "0::/kubepods/pod1/ctr\n");
    assertThat(a.available()).as(a.reason()).isTrue();
    assertThat(a.ownCgroup()).isEqualTo(ctr);

    Availability elsewhere = detect(ns, "0::/system.slice/other\n");
    assertThat(elsewhere.available()).isFalse();
    assertThat(elsewhere.reason()).contains("not under the cgroup2 mount");
  }

  @Test
  void onThisHostDetectionIsConsistentWithTheMounts() throws IOException {
    Availability a = CgroupV2Limits.detect();
    assertThat(a.reason()).isNotBlank();
    List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo"));
    boolean v2 = mounts.stream().anyMatch(l -> l.contains(" - cgroup2 "));
    boolean v1 = mounts.stream().anyMatch(l -> l.contains(" - cgroup "));
    if (!v2) {
      assertThat(a.available()).isFalse();
      assertThat(a.reason()).contains("no cgroup v2 mount");
      if (v1) {
        assertThat(a.reason()).contains("cgroup v1");
      }
    }
    // a hierarchy whose top lacks a controller cannot offer it below (this host: hybrid, hugetlb only)
    for (CgroupV2Limits.Mount m : CgroupV2Limits.Mount.parseAll(String.join("\n", mounts))) {
      Path top = Path.of(m.mountPoint()).resolve("cgroup.controllers");
      if (m.fsType().equals("cgroup2") && Files.isReadable(top)
          && !CgroupV2Limits.tokens(Files.readString(top)).containsAll(CgroupV2Limits.CONTROLLERS)) {
        assertThat(a.available()).as(a.reason()).isFalse();
      }
    }
    if (a.available()) {
      assertThat(a.ownCgroup()).isDirectory();
      assertThat(CgroupV2Limits.tokens(Files.readString(a.ownCgroup().resolve("cgroup.controllers"))))
          .contains("memory", "pids", "cpu");
    } else {
      assertThat(CgroupV2Limits.fallbackDescription(a.reason())).contains(a.reason());
    }
  }

  // ---- preparing the parent and opening groups

  @Test
  void processesInTheJvmCgroupMoveToALeafBeforeControllersAreEnabled() throws IOException {
    layout(ALL, "", "101\n102\n");
    Availability a = detect(V2, SELF);
    try (CgroupV2Limits g = CgroupV2Limits.open(a, "manim-grpo-7-reference-0", kernel)) {
      Path leaf = own.resolve("manim-grpo-jvm");
      assertThat(CgroupV2Limits.pids(Files.readString(leaf.resolve("cgroup.procs")))).containsExactly(101L, 102L);
      assertThat(Files.readString(own.resolve("cgroup.procs"))).isBlank();
      assertThat(kernel.writes).containsSubsequence(
          "user.slice/app/manim-grpo-jvm/cgroup.procs=101",
          "user.slice/app/manim-grpo-jvm/cgroup.procs=102",
          "user.slice/app/cgroup.subtree_control=+memory +pids +cpu");
      assertThat(g.path()).isEqualTo(own.resolve("manim-grpo-7-reference-0")).isDirectory();
      assertThat(g.procsFile()).isEqualTo(g.path().resolve("cgroup.procs"));
      assertThat(Files.readString(g.path().resolve("cgroup.controllers"))).isEqualTo("memory pids cpu");

      // once per parent: a second group changes nothing above it
      int before = kernel.writes.size();
      try (CgroupV2Limits second = CgroupV2Limits.open(a, "manim-grpo-7-reference-1", kernel)) {
        assertThat(second.path()).isDirectory();
      }
      assertThat(kernel.writes.subList(before, kernel.writes.size()))
          .noneMatch(w -> w.startsWith("user.slice/app/cgroup.") || w.contains("manim-grpo-jvm"));

      // the JVM now lives in the leaf; detection still hands out the parent
      Availability again = detect(V2, "0::/user.slice/app/manim-grpo-jvm\n");
      assertThat(again.available()).as(again.reason()).isTrue();
      assertThat(again.ownCgroup()).isEqualTo(own);
    }
  }

  @Test
  void enabledControllersLetGroupsBeCreatedDirectly() throws IOException {
    layout(ALL, "cpu memory pids", "");
    try (CgroupV2Limits g = CgroupV2Limits.open(detect(V2, SELF), "g0", kernel)) {
      assertThat(g.path()).isDirectory();
      assertThat(own.resolve("manim-grpo-jvm")).doesNotExist();
      assertThat(kernel.writes).noneMatch(w -> w.startsWith("user.slice/app/cgroup."));
      // reuse when present
      try (CgroupV2Limits same = CgroupV2Limits.open(detect(V2, SELF), "g0", kernel)) {
        assertThat(same.path()).isEqualTo(g.path());
      }
    }
  }

  @Test
  void aProcessThatCannotMoveMakesThatParentUnavailableWithAReason() throws IOException {
    layout(ALL, "", "101\n103\n");
    kernel.immovable.add(103L);
    Availability a = detect(V2, SELF);
    assertThatThrownBy(() -> CgroupV2Limits.open(a, "g0", kernel))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(own.resolve("cgroup.subtree_control").toString())
        .hasMessageContaining("processes still in " + own.resolve("cgroup.procs") + ": 103")
        .hasMessageContaining("Delegate=yes");
    int before = kernel.writes.size();
    // no second try for that parent in this JVM
    assertThatThrownBy(() -> CgroupV2Limits.open(a, "g1", kernel)).hasMessageContaining("103");
    assertThat(kernel.writes).hasSize(before);
    assertThat(own.resolve("g1")).doesNotExist();
  }

  @Test
  void openRefusesAnUnavailableHostAndOddNames() throws IOException {
    layout(ALL, "cpu memory pids", "");
    Availability a = detect(V2, SELF);
    assertThatThrownBy(() -> CgroupV2Limits.open(new Availability(false, null, "v1"), "g", kernel))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v1");
    for (String bad : List.of("", "a/b", "..", "manim-grpo-jvm")) {
      assertThatThrownBy(() -> CgroupV2Limits.open(a, bad, kernel)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  // ---- limits

  @Test
  void settingsFromConfiguration() {
    Settings s = Settings.of(2048, 300, 64, 1.0);
    assertThat(s).isEqualTo(new Settings(2348L * 1024 * 1024, 64, 100_000, 100_000));
    assertThat(s.files()).containsExactly(
        Map.entry("memory.max", "2462056448"),
        Map.entry("memory.swap.max", "0"),
        Map.entry("memory.oom.group", "0"),
        Map.entry("pids.max", "64"),
        Map.entry("cpu.max", "100000 100000"));
    assertThat(Settings.of(512, 0, 8, 0.5).files()).containsEntry("cpu.max", "50000 100000");
    assertThatThrownBy(() -> Settings.of(0, 300, 64, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Settings.of(512, 300, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Settings.of(512, 300, 8, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Settings.of(512, 300, 8, 0.001)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void applyWritesExactlyTheSettingsFiles() throws IOException {
    layout(ALL, "cpu memory pids", "");
    try (CgroupV2Limits g = CgroupV2Limits.open(detect(V2, SELF), "g0", kernel)) {
      assertThat(g.describe()).contains("no limits applied yet");
      Settings s = Settings.of(2048, 300, 64, 1.0);
      int before = kernel.writes.size();
      g.apply(s);
      List<String> expected = new ArrayList<>();
      for (Map.Entry<String, String> f : s.files().entrySet()) {
        assertThat(Files.readString(g.path().resolve(f.getKey()))).isEqualTo(f.getValue());
        expected.add("user.slice/app/g0/" + f.getKey() + "=" + f.getValue());
      }
      assertThat(kernel.writes.subList(before, kernel.writes.size())).containsExactlyElementsOf(expected);
      assertThat(g.describe()).isEqualTo("cgroup v2 " + g.path() + ": memory.max=2.3 GiB, pids.max=64, cpu.max=1.0 CPU");
      g.apply(Settings.of(256, 0, 8, 0.25));
      assertThat(g.describe()).endsWith("memory.max=256 MiB, pids.max=8, cpu.max=0.25 CPU");
    }
  }

  @Test
  void noSwapAccountingSkipsSwapAndSaysSoButAMissingLimitFileFails() throws IOException {
    layout(ALL, "cpu memory pids", "");
    kernel.swapAccounting = false;
    try (CgroupV2Limits g = CgroupV2Limits.open(detect(V2, SELF), "g0", kernel)) {
      g.apply(Settings.of(2048, 300, 64, 1.0));
      assertThat(g.path().resolve("memory.swap.max")).doesNotExist();
      assertThat(g.describe()).contains("swap not limited");
      Files.delete(g.path().resolve("pids.max"));
      assertThatThrownBy(() -> g.apply(Settings.of(2048, 300, 64, 1.0)))
          .isInstanceOf(IOException.class).hasMessageContaining(g.path().resolve("pids.max").toString());
    }
  }

  // ---- closing

  @Test
  void closeWritesCgroupKillAndRemovesTheGroup() throws IOException {
    layout(ALL, "cpu memory pids", "");
    CgroupV2Limits g = CgroupV2Limits.open(detect(V2, SELF), "g0", kernel);
    kernel.write(g.procsFile(), "201");
    kernel.write(g.procsFile(), "202");
    g.close();
    assertThat(kernel.writes).contains("user.slice/app/g0/cgroup.kill=1");
    assertThat(kernel.killed).isEmpty();
    assertThat(g.path()).doesNotExist();
    g.close(); // twice is fine
  }

  @Test
  void closeWithoutCgroupKillSigkillsEachListedProcess() throws Exception {
    layout(ALL, "cpu memory pids", "");
    kernel.cgroupKill = false;
    Process sleeper = new ProcessBuilder("sleep", "600").start();
    try {
      kernel.owned.add(sleeper.pid());
      CgroupV2Limits g = CgroupV2Limits.open(detect(V2, SELF), "g0", kernel);
      kernel.write(g.procsFile(), Long.toString(sleeper.pid()));
      g.close();
      assertThat(sleeper.waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(sleeper.exitValue()).isEqualTo(128 + 9);
      assertThat(kernel.killed).containsExactly(sleeper.pid());
      assertThat(g.path()).doesNotExist();
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void fallbackDescription() {
    assertThat(CgroupV2Limits.fallbackDescription("this host uses cgroup v1"))
        .isEqualTo("rlimits per process + worker watchdog per render tree (no cgroup v2: this host uses cgroup v1)");
  }

  // ---- the fake cgroupfs

  private Availability detect(String mountinfo, String selfCgroup) throws IOException {
    Path mi = tmp.resolve("mountinfo");
    Path sc = tmp.resolve("self-cgroup");
    Files.writeString(mi, mountinfo);
    Files.writeString(sc, selfCgroup);
    return CgroupV2Limits.detect(mi, sc, fs, kernel);
  }

  private void layout(String controllers, String subtree, String procs) throws IOException {
    layout(own, controllers, subtree, procs);
  }

  private static void layout(Path dir, String controllers, String subtree, String procs) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("cgroup.controllers"), controllers);
    Files.writeString(dir.resolve("cgroup.subtree_control"), subtree);
    Files.writeString(dir.resolve("cgroup.procs"), procs);
    Files.writeString(dir.resolve("cgroup.type"), "domain");
  }

  /**
   * Imitates what only the kernel does: a new group comes with its interface files; a pid
   * written to cgroup.procs leaves its old group; controllers are enabled for children only of
   * a group without processes; cgroup.kill empties a group; rmdir needs an empty group. Every
   * write is logged as {@code path-relative-to-root=value}.
   */
  static final class FakeKernel extends CgroupV2Limits.CgroupFs {
    final Path root;
    final List<String> writes = new ArrayList<>();
    final Set<Long> owned = new HashSet<>();
    final Set<Long> immovable = new HashSet<>();
    final List<Long> killed = new ArrayList<>();
    Predicate<Path> unwritable = p -> false;
    boolean cgroupKill = true;
    boolean swapAccounting = true;

    FakeKernel(Path root) {
      this.root = root;
    }

    @Override
    boolean writable(Path p) {
      return !unwritable.test(p) && super.writable(p);
    }

    @Override
    void write(Path file, String value) throws IOException {
      writes.add(root.relativize(file) + "=" + value);
      Path dir = file.getParent();
      switch (file.getFileName().toString()) {
        case "cgroup.procs" -> {
          long pid = Long.parseLong(value.strip());
          if (immovable.contains(pid)) {
            throw new FileSystemException(file.toString(), null, "Invalid argument");
          }
          removeEverywhere(pid);
          Files.writeString(file, Files.readString(file) + pid + "\n");
        }
        case "cgroup.kill" -> Files.writeString(dir.resolve("cgroup.procs"), "");
        case "cgroup.subtree_control" -> {
          if (Files.exists(dir.resolve("cgroup.type")) && !Files.readString(dir.resolve("cgroup.procs")).isBlank()) {
            throw new FileSystemException(file.toString(), null, "Device or resource busy");
          }
          Set<String> enabled = new LinkedHashSet<>(CgroupV2Limits.tokens(Files.readString(file)));
          Set<String> available = CgroupV2Limits.tokens(Files.readString(dir.resolve("cgroup.controllers")));
          for (String c : CgroupV2Limits.tokens(value)) {
            if (!available.contains(c)) {
              throw new FileSystemException(file.toString(), null, "No such file or directory");
            }
            enabled.add(c);
          }
          Files.writeString(file, String.join(" ", enabled));
        }
        default -> super.write(file, value);
      }
    }

    @Override
    void mkdir(Path dir) throws IOException {
      super.mkdir(dir);
      String controllers = String.join(" ",
          CgroupV2Limits.tokens(Files.readString(dir.getParent().resolve("cgroup.subtree_control"))));
      layout(dir, controllers, "", "");
      for (String f : List.of("memory.max", "memory.swap.max", "pids.max")) {
        Files.writeString(dir.resolve(f), "max");
      }
      Files.writeString(dir.resolve("memory.oom.group"), "0");
      Files.writeString(dir.resolve("cpu.max"), "max 100000");
      if (!swapAccounting) {
        Files.delete(dir.resolve("memory.swap.max"));
      }
      if (cgroupKill) {
        Files.writeString(dir.resolve("cgroup.kill"), "");
      }
    }

    @Override
    void rmdir(Path dir) throws IOException {
      if (!Files.readString(dir.resolve("cgroup.procs")).isBlank()) {
        throw new FileSystemException(dir.toString(), null, "Device or resource busy");
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          if (Files.isDirectory(f)) {
            throw new FileSystemException(dir.toString(), null, "Device or resource busy");
          }
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }

    @Override
    void kill(long pid) {
      if (!owned.contains(pid)) {
        throw new AssertionError("would kill pid " + pid + ", which this test did not start");
      }
      killed.add(pid);
      super.kill(pid);
      // the kernel drops a process from its group when it has exited
      ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(5, TimeUnit.SECONDS).join());
      try {
        removeEverywhere(pid);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    private void removeEverywhere(long pid) throws IOException {
      try (Stream<Path> all = Files.walk(root)) {
        for (Path procs : all.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
          List<Long> left = new ArrayList<>(CgroupV2Limits.pids(Files.readString(procs)));
          if (left.remove(pid)) {
            StringBuilder b = new StringBuilder();
            left.forEach(p -> b.append(p).append('\n'));
            Files.writeString(procs, b.toString());
          }
        }
      }
    }
  }
}
