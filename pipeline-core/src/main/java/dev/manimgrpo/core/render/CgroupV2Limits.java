package dev.manimgrpo.core.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits one render worker's sandbox tree (the warm worker and every process of its renders)
 * with a cgroup v2 group of its own: memory (no swap), process count and CPU bandwidth for the
 * tree as a whole, which rlimits (per process) cannot give.
 *
 * <p><b>When it is usable.</b> {@link #detect()} requires all of: a {@code cgroup2} mount in
 * {@code /proc/self/mountinfo}; the unified {@code 0::/path} entry in {@code /proc/self/cgroup}
 * that lies under that mount; the JVM's own cgroup folder, its {@code cgroup.procs} and its
 * {@code cgroup.subtree_control} writable; and {@code memory}, {@code pids} and {@code cpu} in
 * its {@code cgroup.controllers}. Otherwise it reports why and what an operator can do, and
 * the sandbox keeps its per-process rlimits and the worker's watchdog.
 *
 * <p><b>Hybrid hosts</b> (cgroup v1 hierarchies plus a {@code cgroup2} mount, usually at
 * {@code /sys/fs/cgroup/unified}): usable only when the three controllers are listed in the
 * unified hierarchy's {@code cgroup.controllers}. A controller is attached to one hierarchy at a
 * time, so listed there means it really acts on v2 groups; on a stock hybrid host they stay
 * bound to v1 and detection says so.
 *
 * <p><b>The JVM's own cgroup.</b> cgroup v2 gives controllers to a cgroup's children only when
 * the cgroup itself has no processes ("no internal processes"). When the JVM's cgroup has
 * processes, {@link #open} first moves every one of them into a leaf {@code <own>/manim-grpo-jvm}
 * and then writes {@code +memory +pids +cpu} to {@code <own>/cgroup.subtree_control}; this is
 * done once per JVM and parent. A later detection that finds the JVM in that leaf uses the
 * leaf's parent. The real root cgroup (no {@code cgroup.type} file) is exempt from the rule, so
 * nothing is moved there.
 *
 * <p>Thread-safe for {@link #open}; one instance belongs to one worker.
 */
public final class CgroupV2Limits implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CgroupV2Limits.class);

  /** The leaf that holds the JVM's cgroup's own processes, so its children can get controllers. */
  static final String JVM_LEAF = "manim-grpo-jvm";
  static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu");
  static final String ENABLE = "+memory +pids +cpu";
  /** Files a kernel may lack (no swap accounting; before 4.19); see {@link #apply}. */
  private static final Set<String> OPTIONAL_FILES = Set.of("memory.swap.max", "memory.oom.group");
  private static final String DELEGATE_HINT = "delegate a cgroup v2 subtree to the executor (systemd Delegate=yes)";
  private static final String FALLBACK = "per-render-tree limits fall back to rlimits and the worker's watchdog";
  private static final long KILL_WAIT_MILLIS = 1000;
  private static final long RMDIR_RETRY_MILLIS = 200;

  /** Parent cgroup folder -> "" once prepared, or why it could not be; one try per JVM and parent. */
  private static final Map<Path, String> PREPARED = new HashMap<>();

  private final Path dir;
  private final CgroupFs fs;
  private Settings applied;
  private final List<String> skipped = new ArrayList<>();
  private boolean closed;

  private CgroupV2Limits(Path dir, CgroupFs fs) {
    this.dir = dir;
    this.fs = fs;
  }

  /**
   * Whether per-tree limits can be used.
   *
   * @param available true when {@link #open} can be tried
   * @param ownCgroup the folder of the JVM's cgroup (the parent of the worker groups); always set
   *     when available, set when found otherwise, else null
   * @param reason when unavailable, why and what an operator can do; when available, a summary
   */
  public record Availability(boolean available, Path ownCgroup, String reason) {
    /** Checks that an available result names its cgroup and that every result says why. */
    public Availability {
      if (reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("an availability needs a reason");
      }
      if (available && ownCgroup == null) {
        throw new IllegalArgumentException("an available cgroup v2 needs the JVM's cgroup folder");
      }
    }

    static Availability no(Path ownCgroup, String reason) {
      return new Availability(false, ownCgroup, reason);
    }
  }

  /**
   * The limits of one worker tree, in the units the kernel files take.
   *
   * @param memoryMaxBytes {@code memory.max}
   * @param pidsMax {@code pids.max}
   * @param cpuQuotaMicros the first field of {@code cpu.max}
   * @param cpuPeriodMicros the second field of {@code cpu.max}
   */
  public record Settings(long memoryMaxBytes, long pidsMax, long cpuQuotaMicros, long cpuPeriodMicros) {
    /** The period of {@code cpu.max}: the kernel's default. */
    public static final long CPU_PERIOD_MICROS = 100_000;

    /** Checks the ranges the kernel accepts (cpu.max: period 1 ms to 1 s, quota at least 1 ms). */
    public Settings {
      if (memoryMaxBytes <= 0 || pidsMax <= 0) {
        throw new IllegalArgumentException("memory.max and pids.max must be positive: " + memoryMaxBytes + ", " + pidsMax);
      }
      if (cpuPeriodMicros < 1000 || cpuPeriodMicros > 1_000_000 || cpuQuotaMicros < 1000) {
        throw new IllegalArgumentException("cpu.max out of range: " + cpuQuotaMicros + " " + cpuPeriodMicros);
      }
    }

    /**
     * Limits for a worker tree: a render's memory plus the warm worker's baseline (the worker
     * and its forked render share the group), a process count, and a CPU share.
     *
     * @param memoryMb memory one render may use, MiB
     * @param workerBaselineMb the warm worker's own resident memory, MiB
     * @param maxProcesses processes and threads in the tree
     * @param cpus CPUs' worth of time per period (1.0 = one CPU)
     */
    public static Settings of(long memoryMb, long workerBaselineMb, int maxProcesses, double cpus) {
      if (memoryMb <= 0 || workerBaselineMb < 0 || maxProcesses <= 0 || !(cpus > 0) || Double.isInfinite(cpus)) {
        throw new IllegalArgumentException("bad cgroup limits: memoryMb=" + memoryMb + ", workerBaselineMb="
            + workerBaselineMb + ", maxProcesses=" + maxProcesses + ", cpus=" + cpus);
      }
      long bytes = Math.multiplyExact(Math.addExact(memoryMb, workerBaselineMb), 1024L * 1024L);
      return new Settings(bytes, maxProcesses, Math.round(cpus * CPU_PERIOD_MICROS), CPU_PERIOD_MICROS);
    }

    /** Exactly what {@link #apply} writes, file name to content, in writing order. */
    public Map<String, String> files() {
      Map<String, String> files = new LinkedHashMap<>();
      files.put("memory.max", Long.toString(memoryMaxBytes));
      // swap would let a tree exceed memory.max on disk and slow the host instead of failing
      files.put("memory.swap.max", "0");
      // 0: the OOM killer takes the biggest process (the render), not the whole tree, so the
      // warm worker survives and reports resource_limit
      files.put("memory.oom.group", "0");
      files.put("pids.max", Long.toString(pidsMax));
      files.put("cpu.max", cpuQuotaMicros + " " + cpuPeriodMicros);
      return Collections.unmodifiableMap(files);
    }
  }

  /** Detection on this host: {@code /proc/self/mountinfo}, {@code /proc/self/cgroup}, the mount found. */
  public static Availability detect() {
    return detect(Path.of("/proc/self/mountinfo"), Path.of("/proc/self/cgroup"), null);
  }

  /**
   * Detection from the given files.
   *
   * @param mountinfo a {@code /proc/<pid>/mountinfo} text
   * @param procSelfCgroup a {@code /proc/<pid>/cgroup} text
   * @param fsRootOverride when non-null, the cgroup2 hierarchy's root folder to use instead of
   *     the mount point found in {@code mountinfo} (tests)
   */
  public static Availability detect(Path mountinfo, Path procSelfCgroup, Path fsRootOverride) {
    return detect(mountinfo, procSelfCgroup, fsRootOverride, CgroupFs.REAL);
  }

  static Availability detect(Path mountinfo, Path procSelfCgroup, Path fsRootOverride, CgroupFs fs) {
    List<Mount> mounts;
    try {
      mounts = Mount.parseAll(fs.read(mountinfo));
    } catch (IOException e) {
      return Availability.no(null, "cannot read " + mountinfo + " (" + e.getMessage() + "): " + FALLBACK);
    }
    List<Mount> v2 = mounts.stream().filter(m -> m.fsType().equals("cgroup2")).toList();
    List<Mount> v1 = mounts.stream().filter(m -> m.fsType().equals("cgroup")).toList();
    if (v2.isEmpty()) {
      return Availability.no(null, v1.isEmpty()
          ? "no cgroup filesystem in " + mountinfo + ": " + FALLBACK + "; on a cgroup v2 host, " + DELEGATE_HINT
          : "no cgroup v2 mount (this host uses a cgroup v1 hierarchy): " + FALLBACK + "; on a cgroup v2 host, "
              + DELEGATE_HINT);
    }
    String cgroupPath;
    try {
      cgroupPath = fs.read(procSelfCgroup).lines().filter(l -> l.startsWith("0::")).findFirst()
          .map(l -> l.substring(3).trim()).orElse(null);
    } catch (IOException e) {
      return Availability.no(null, "cannot read " + procSelfCgroup + " (" + e.getMessage() + "): " + FALLBACK);
    }
    if (cgroupPath == null || !cgroupPath.startsWith("/")) {
      return Availability.no(null, procSelfCgroup + " has no unified '0::/path' entry, so this JVM's cgroup v2 group "
          + "is unknown: " + FALLBACK + "; " + DELEGATE_HINT);
    }
    // the mount's root is the part of the hierarchy it shows (not "/" without a cgroup namespace)
    Mount mount = v2.stream().filter(m -> m.contains(cgroupPath)).findFirst().orElse(null);
    if (mount == null) {
      return Availability.no(null, "this JVM's cgroup " + cgroupPath + " is not under the cgroup2 mount at "
          + v2.get(0).mountPoint() + " (which shows " + v2.get(0).root() + "): " + FALLBACK
          + "; run the executor with a private cgroup namespace or mount the hierarchy's root");
    }
    if (mount.readOnly()) {
      return Availability.no(null, "cgroup2 at " + mount.mountPoint() + " is mounted read-only (as containers do by "
          + "default): " + FALLBACK + "; mount it read-write for the executor or " + DELEGATE_HINT);
    }
    Path root = fsRootOverride != null ? fsRootOverride : Path.of(mount.mountPoint());
    String relative = mount.relative(cgroupPath);
    Path own = relative.isEmpty() ? root : root.resolve(relative);
    // after open() moved the JVM into its leaf, the worker groups still belong next to it
    if (own.getFileName() != null && own.getFileName().toString().equals(JVM_LEAF) && !own.equals(root)) {
      own = own.getParent();
    }
    if (!Files.isDirectory(own)) {
      return Availability.no(own, "this JVM's cgroup folder " + own + " is missing or not a folder: " + FALLBACK
          + "; " + DELEGATE_HINT);
    }
    for (Path p : List.of(own, own.resolve("cgroup.procs"), own.resolve("cgroup.subtree_control"))) {
      if (!Files.exists(p) || !fs.writable(p)) {
        return Availability.no(own, p + (Files.exists(p) ? " is not writable by this JVM" : " is missing") + ": "
            + FALLBACK + "; " + DELEGATE_HINT + " or run the executor where its cgroup is writable");
      }
    }
    Path controllersFile = own.resolve("cgroup.controllers");
    Set<String> controllers;
    try {
      controllers = tokens(fs.read(controllersFile));
    } catch (IOException e) {
      return Availability.no(own, "cannot read " + controllersFile + " (" + e.getMessage() + "): " + FALLBACK + "; "
          + DELEGATE_HINT);
    }
    List<String> missing = CONTROLLERS.stream().filter(c -> !controllers.contains(c)).toList();
    if (!missing.isEmpty()) {
      String lacks = controllersFile + " lacks " + String.join(", ", missing);
      if (!v1.isEmpty()) {
        return Availability.no(own, lacks + ": this host has the hybrid layout (cgroup2 at " + mount.mountPoint()
            + " next to cgroup v1 hierarchies), which keeps these controllers on v1: " + FALLBACK
            + "; boot with systemd.unified_cgroup_hierarchy=1 for a unified host and " + DELEGATE_HINT);
      }
      return Availability.no(own, lacks + ": " + FALLBACK
          + "; enable them for this cgroup in its parent's cgroup.subtree_control (systemd: Delegate=yes)");
    }
    return new Availability(true, own, "cgroup v2 at " + own + " with memory, pids and cpu");
  }

  /**
   * A group for one worker tree, {@code <own>/<groupName>}, reused when it exists. The first
   * call for a parent prepares it (see the class comment); when that fails, this and every later
   * call for that parent throw with the reason.
   *
   * @param a an available {@link #detect()} result
   * @param groupName a folder name, like {@code manim-grpo-<jvmpid>-reference-0}
   * @throws IOException when the parent cannot be prepared or the group cannot be created; the
   *     message names the file and what an operator can do
   */
  public static CgroupV2Limits open(Availability a, String groupName) throws IOException {
    return open(a, groupName, CgroupFs.REAL);
  }

  static CgroupV2Limits open(Availability a, String groupName, CgroupFs fs) throws IOException {
    if (!a.available()) {
      throw new IllegalArgumentException("cgroup v2 is unavailable: " + a.reason());
    }
    if (groupName == null || groupName.isBlank() || groupName.contains("/") || groupName.contains("\n")
        || groupName.equals(".") || groupName.equals("..") || groupName.equals(JVM_LEAF)) {
      throw new IllegalArgumentException("not a usable cgroup name: " + groupName);
    }
    Path parent = a.ownCgroup().toAbsolutePath().normalize();
    prepareParent(parent, fs);
    Path dir = parent.resolve(groupName);
    try {
      fs.mkdir(dir);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw new IOException("cannot create cgroup " + dir + ": a file of that name is in the way", e);
      }
      LOG.debug("reusing cgroup {}", dir);
    } catch (IOException e) {
      throw new IOException("cannot create cgroup " + dir + " (" + e.getMessage() + "): " + DELEGATE_HINT, e);
    }
    return new CgroupV2Limits(dir, fs);
  }

  private static synchronized void prepareParent(Path own, CgroupFs fs) throws IOException {
    String failure = PREPARED.get(own);
    if (failure == null) {
      failure = prepare(own, fs);
      PREPARED.put(own, failure);
    }
    if (!failure.isEmpty()) {
      throw new IOException(failure);
    }
  }

  /** Gives {@code own}'s children the three controllers; "" when done, else why not. */
  private static String prepare(Path own, CgroupFs fs) {
    Path subtree = own.resolve("cgroup.subtree_control");
    Set<Long> moved = new LinkedHashSet<>();
    List<String> unmoved = new ArrayList<>();
    try {
      if (tokens(fs.read(subtree)).containsAll(CONTROLLERS)) {
        return "";
      }
      Path leaf = own.resolve(JVM_LEAF);
      // the real root has no cgroup.type and may keep its processes; anywhere else they must go
      boolean mustEmpty = Files.exists(own.resolve("cgroup.type"));
      if (mustEmpty) {
        moveAll(own, leaf, fs, moved, unmoved);
      }
      try {
        fs.write(subtree, ENABLE);
      } catch (IOException busy) {
        // a process forked into own between the move and the write: move it too, then once more
        if (!mustEmpty) {
          throw busy;
        }
        moveAll(own, leaf, fs, moved, unmoved);
        fs.write(subtree, ENABLE);
      }
      Set<String> enabled = tokens(fs.read(subtree));
      if (!enabled.containsAll(CONTROLLERS)) {
        return subtree + " shows '" + String.join(" ", enabled) + "' after writing '" + ENABLE + "': " + FALLBACK
            + "; " + DELEGATE_HINT;
      }
      if (!moved.isEmpty()) {
        LOG.info("cgroup v2: moved {} process(es) of {} into {} so its children can have memory, pids and cpu",
            moved.size(), own, JVM_LEAF);
      }
      return "";
    } catch (IOException e) {
      String procs = "";
      try {
        procs = String.join(" ", fs.read(own.resolve("cgroup.procs")).strip().split("\\s+"));
      } catch (IOException ignored) {
        // only for the message
      }
      return "cannot enable memory, pids and cpu for the children of " + own + " (" + e.getMessage() + ")"
          + (procs.isEmpty() ? "" : "; processes still in " + own.resolve("cgroup.procs") + ": " + procs
              + " (cgroup v2 gives controllers to children only of a cgroup without processes)")
          + (unmoved.isEmpty() ? "" : "; could not move into " + own.resolve(JVM_LEAF) + ": "
              + String.join(", ", unmoved))
          + ": " + FALLBACK + "; " + DELEGATE_HINT;
    }
  }

  /** Moves every process listed in {@code own/cgroup.procs} into {@code leaf}, until none is new. */
  private static void moveAll(Path own, Path leaf, CgroupFs fs, Set<Long> moved, List<String> unmoved)
      throws IOException {
    // a round per burst of forks; a pid already moved cannot be listed in own again
    for (int round = 0; round < 10; round++) {
      List<Long> fresh = pids(fs.read(own.resolve("cgroup.procs"))).stream().filter(p -> !moved.contains(p)).toList();
      if (fresh.isEmpty()) {
        return;
      }
      if (!Files.isDirectory(leaf)) {
        try {
          fs.mkdir(leaf);
        } catch (FileAlreadyExistsException raced) {
          // another JVM in this cgroup made it
        }
      }
      for (long pid : fresh) {
        moved.add(pid);
        try {
          fs.write(leaf.resolve("cgroup.procs"), Long.toString(pid));
        } catch (IOException e) {
          // usually the process exited meanwhile; if not, the subtree_control write says so
          unmoved.add(pid + " (" + e.getMessage() + ")");
          LOG.debug("cannot move pid {} into {}: {}", pid, leaf, e.getMessage());
        }
      }
    }
  }

  /**
   * Writes {@link Settings#files()} into the group. A kernel without swap accounting or
   * {@code memory.oom.group} lacks those files; they are skipped and {@link #describe()} says so.
   * Any other file missing or refused is an error.
   *
   * @throws IOException naming the file that could not be written
   */
  public synchronized void apply(Settings s) throws IOException {
    skipped.clear();
    for (Map.Entry<String, String> f : s.files().entrySet()) {
      Path file = dir.resolve(f.getKey());
      if (OPTIONAL_FILES.contains(f.getKey()) && !Files.exists(file)) {
        skipped.add(f.getKey());
        continue;
      }
      fs.write(file, f.getValue());
    }
    applied = s;
  }

  /** The group's {@code cgroup.procs}: a process that writes its pid there moves in, with its future children. */
  public Path procsFile() {
    return dir.resolve("cgroup.procs");
  }

  /** The group's folder. */
  public Path path() {
    return dir;
  }

  /** One line for logs, like {@code cgroup v2 <path>: memory.max=2.3 GiB, pids.max=64, cpu.max=1.0 CPU}. */
  public synchronized String describe() {
    if (applied == null) {
      return "cgroup v2 " + dir + ": no limits applied yet";
    }
    StringBuilder line = new StringBuilder("cgroup v2 ").append(dir).append(": memory.max=")
        .append(size(applied.memoryMaxBytes())).append(", pids.max=").append(applied.pidsMax())
        .append(", cpu.max=").append(cpus(applied.cpuQuotaMicros(), applied.cpuPeriodMicros())).append(" CPU");
    if (skipped.contains("memory.swap.max")) {
      line.append(", swap not limited (no memory.swap.max)");
    }
    return line.toString();
  }

  /** What limits a render tree instead, for logs: {@code rlimits per process + worker watchdog ...}. */
  public static String fallbackDescription(String reason) {
    return "rlimits per process + worker watchdog per render tree (no cgroup v2: " + reason + ")";
  }

  /**
   * Kills whatever is left in the group (one write to {@code cgroup.kill} where the kernel has it,
   * else SIGKILL to each pid listed until none is left) and removes the group. Never throws: a
   * group that stays busy after a retry is logged and left behind.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Path kill = dir.resolve("cgroup.kill");
    long deadline = System.nanoTime() + KILL_WAIT_MILLIS * 1_000_000;
    boolean killFile = Files.exists(kill);
    if (killFile) {
      try {
        fs.write(kill, "1");
      } catch (IOException e) {
        LOG.warn("cannot write {}: {}; killing its processes one by one", kill, e.getMessage());
        killFile = false;
      }
    }
    long self = ProcessHandle.current().pid();
    // without cgroup.kill, forks can race the kill: repeat until the group is empty
    while (true) {
      List<Long> left = listProcs();
      if (left.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      if (!killFile) {
        for (long pid : left) {
          if (pid != self) {
            fs.kill(pid);
          }
        }
      }
      sleep(10);
    }
    try {
      removeDir();
    } catch (IOException first) {
      sleep(RMDIR_RETRY_MILLIS);
      try {
        removeDir();
      } catch (IOException e) {
        LOG.warn("cannot remove cgroup {} ({}); leaving it", dir, e.getMessage());
      }
    }
  }

  private void removeDir() throws IOException {
    try {
      fs.rmdir(dir);
    } catch (NoSuchFileException gone) {
      // already removed
    }
  }

  private List<Long> listProcs() {
    try {
      return pids(fs.read(procsFile()));
    } catch (IOException e) {
      return List.of();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Set<String> tokens(String text) {
    Set<String> out = new LinkedHashSet<>();
    for (String t : text.strip().split("\\s+")) {
      if (!t.isEmpty()) {
        out.add(t.startsWith("+") ? t.substring(1) : t);
      }
    }
    return out;
  }

  static List<Long> pids(String text) {
    List<Long> out = new ArrayList<>();
    for (String line : text.split("\\s+")) {
      if (!line.isBlank()) {
        out.add(Long.parseLong(line.strip()));
      }
    }
    return out;
  }

  private static String size(long bytes) {
    double gib = bytes / (1024.0 * 1024 * 1024);
    return gib >= 1 ? String.format(Locale.ROOT, "%.1f GiB", gib) : (bytes / (1024 * 1024)) + " MiB";
  }

  private static String cpus(long quota, long period) {
    String s = String.format(Locale.ROOT, "%.2f", (double) quota / period);
    return s.endsWith("0") ? s.substring(0, s.length() - 1) : s;
  }

  /** One line of mountinfo: the fields detection needs. */
  record Mount(String root, String mountPoint, boolean readOnly, String fsType) {

    static List<Mount> parseAll(String mountinfo) {
      List<Mount> out = new ArrayList<>();
      for (String line : mountinfo.split("\n")) {
        String[] f = line.strip().split("\\s+");
        int dash = -1;
        for (int i = 6; i < f.length; i++) {
          if (f[i].equals("-")) {
            dash = i;
            break;
          }
        }
        if (dash < 0 || dash + 1 >= f.length) {
          continue;
        }
        boolean ro = List.of(f[5].split(",")).contains("ro");
        out.add(new Mount(unescape(f[3]), unescape(f[4]), ro, f[dash + 1]));
      }
      return out;
    }

    /** Whether this mount shows the cgroup at {@code path} (a path from /proc/self/cgroup). */
    boolean contains(String path) {
      return root.equals("/") || path.equals(root) || path.startsWith(root + "/");
    }

    /** {@code path} relative to the mount's root, without a leading slash. */
    String relative(String path) {
      String rest = root.equals("/") ? path : path.substring(root.length());
      return rest.replaceFirst("^/+", "");
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String s) {
      if (s.indexOf('\\') < 0) {
        return s;
      }
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
          b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
          i += 3;
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }
  }

  /**
   * The file operations on cgroupfs. Plain file semantics are what the kernel's interface files
   * accept (one value per write); tests subclass it to imitate what only the kernel does (filling
   * a new group with files, moving a pid, killing).
   */
  static class CgroupFs {
    static final CgroupFs REAL = new CgroupFs();

    String read(Path file) throws IOException {
      return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** One write of {@code value}; never creates a file (a missing interface file is an error). */
    void write(Path file, String value) throws IOException {
      try {
        Files.writeString(file, value, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
      } catch (FileSystemException e) {
        throw e;
      } catch (IOException e) {
        // the kernel's refusal comes from write(2), which Java reports without the file name
        throw new IOException("writing '" + value + "' to " + file + ": " + e.getMessage(), e);
      }
    }

    boolean writable(Path p) {
      return Files.isWritable(p);
    }

    void mkdir(Path dir) throws IOException {
      Files.createDirectory(dir);
    }

    void rmdir(Path dir) throws IOException {
      Files.delete(dir);
    }

    /** SIGKILL. */
    void kill(long pid) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
