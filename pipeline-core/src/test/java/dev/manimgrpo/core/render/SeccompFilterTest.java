package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seccomp program, run on synthetic {@code seccomp_data} by a small classic-BPF interpreter
 * that also applies the kernel's load checks. Syscall numbers here are the test's own, written
 * from the kernel headers, and checked against the installed headers where they exist.
 */
class SeccompFilterTest {

  static final int AUDIT_ARCH_X86_64 = 0xC000003E;
  static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;
  static final int AUDIT_ARCH_I386 = 0x40000003;
  static final int AUDIT_ARCH_ARM = 0x40000028;
  static final String ALLOW = "ALLOW";
  static final String KILL_PROCESS = "KILL_PROCESS";
  static final String EPERM = "ERRNO(1)";
  static final String ENOSYS = "ERRNO(38)";

  static final List<String> DENIED_BOTH = List.of(
      "ptrace", "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "bpf", "keyctl",
      "add_key", "request_key", "perf_event_open", "kexec_load", "kexec_file_load", "init_module",
      "finit_module", "delete_module", "userfaultfd", "process_vm_readv", "process_vm_writev",
      "open_by_handle_at", "name_to_handle_at", "swapon", "swapoff", "reboot", "syslog", "acct",
      "quotactl", "lookup_dcookie", "io_uring_setup", "io_uring_enter", "io_uring_register",
      "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
      "sethostname", "setdomainname", "settimeofday", "clock_settime", "clock_adjtime",
      "adjtimex", "vhangup", "pidfd_getfd", "fanotify_init", "kcmp", "shmget", "semget", "msgget",
      "mq_open");
  static final List<String> DENIED_X86_ONLY = List.of("iopl", "ioperm", "uselib");

  /** Syscall numbers per arch: arch/x86/entry/syscalls/syscall_64.tbl and asm-generic/unistd.h. */
  static final Map<String, Map<String, Integer>> NR = Map.of(
      "x86_64", Map.ofEntries(
          Map.entry("read", 0), Map.entry("write", 1), Map.entry("openat", 257),
          Map.entry("fork", 57), Map.entry("execve", 59), Map.entry("getpid", 39),
          Map.entry("ioctl", 16), Map.entry("clone", 56), Map.entry("clone3", 435),
          Map.entry("ptrace", 101), Map.entry("mount", 165), Map.entry("umount2", 166),
          Map.entry("pivot_root", 155), Map.entry("chroot", 161), Map.entry("unshare", 272),
          Map.entry("setns", 308), Map.entry("bpf", 321), Map.entry("keyctl", 250),
          Map.entry("add_key", 248), Map.entry("request_key", 249),
          Map.entry("perf_event_open", 298), Map.entry("kexec_load", 246),
          Map.entry("kexec_file_load", 320), Map.entry("init_module", 175),
          Map.entry("finit_module", 313), Map.entry("delete_module", 176),
          Map.entry("userfaultfd", 323), Map.entry("process_vm_readv", 310),
          Map.entry("process_vm_writev", 311), Map.entry("open_by_handle_at", 304),
          Map.entry("name_to_handle_at", 303), Map.entry("swapon", 167),
          Map.entry("swapoff", 168), Map.entry("reboot", 169), Map.entry("syslog", 103),
          Map.entry("acct", 163), Map.entry("quotactl", 179), Map.entry("lookup_dcookie", 212),
          Map.entry("io_uring_setup", 425), Map.entry("io_uring_enter", 426),
          Map.entry("io_uring_register", 427), Map.entry("open_tree", 428),
          Map.entry("move_mount", 429), Map.entry("fsopen", 430), Map.entry("fsconfig", 431),
          Map.entry("fsmount", 432), Map.entry("fspick", 433), Map.entry("mount_setattr", 442),
          Map.entry("iopl", 172), Map.entry("ioperm", 173), Map.entry("sethostname", 170),
          Map.entry("setdomainname", 171), Map.entry("settimeofday", 164),
          Map.entry("clock_settime", 227), Map.entry("clock_adjtime", 305),
          Map.entry("adjtimex", 159), Map.entry("vhangup", 153), Map.entry("uselib", 134),
          Map.entry("pidfd_getfd", 438), Map.entry("fanotify_init", 300), Map.entry("kcmp", 312),
          Map.entry("pidfd_open", 434), Map.entry("shmget", 29), Map.entry("semget", 64),
          Map.entry("msgget", 68), Map.entry("mq_open", 240)),
      "aarch64", Map.ofEntries(
          Map.entry("read", 63), Map.entry("write", 64), Map.entry("openat", 56),
          Map.entry("execve", 221), Map.entry("getpid", 172),
          Map.entry("ioctl", 29), Map.entry("clone", 220), Map.entry("clone3", 435),
          Map.entry("ptrace", 117), Map.entry("mount", 40), Map.entry("umount2", 39),
          Map.entry("pivot_root", 41), Map.entry("chroot", 51), Map.entry("unshare", 97),
          Map.entry("setns", 268), Map.entry("bpf", 280), Map.entry("keyctl", 219),
          Map.entry("add_key", 217), Map.entry("request_key", 218),
          Map.entry("perf_event_open", 241), Map.entry("kexec_load", 104),
          Map.entry("kexec_file_load", 294), Map.entry("init_module", 105),
          Map.entry("finit_module", 273), Map.entry("delete_module", 106),
          Map.entry("userfaultfd", 282), Map.entry("process_vm_readv", 270),
          Map.entry("process_vm_writev", 271), Map.entry("open_by_handle_at", 265),
          Map.entry("name_to_handle_at", 264), Map.entry("swapon", 224),
          Map.entry("swapoff", 225), Map.entry("reboot", 142), Map.entry("syslog", 116),
          Map.entry("acct", 89), Map.entry("quotactl", 60), Map.entry("lookup_dcookie", 18),
          Map.entry("io_uring_setup", 425), Map.entry("io_uring_enter", 426),
          Map.entry("io_uring_register", 427), Map.entry("open_tree", 428),
          Map.entry("move_mount", 429), Map.entry("fsopen", 430), Map.entry("fsconfig", 431),
          Map.entry("fsmount", 432), Map.entry("fspick", 433), Map.entry("mount_setattr", 442),
          Map.entry("sethostname", 161), Map.entry("setdomainname", 162),
          Map.entry("settimeofday", 170), Map.entry("clock_settime", 112),
          Map.entry("clock_adjtime", 266), Map.entry("adjtimex", 171), Map.entry("vhangup", 58),
          Map.entry("pidfd_getfd", 438), Map.entry("fanotify_init", 262), Map.entry("kcmp", 272),
          Map.entry("pidfd_open", 434), Map.entry("shmget", 194), Map.entry("semget", 190),
          Map.entry("msgget", 186), Map.entry("mq_open", 180)));

  static final int[] NAMESPACE_FLAGS = {
    0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000};
  static final long THREAD_FLAGS = 0x3d0f00; // glibc pthread_create's clone flags
  static final long FORK_FLAGS = 0x01200011; // glibc fork: CHILD_SETTID | CHILD_CLEARTID | SIGCHLD

  @TempDir Path dir;

  static SeccompFilter filter(String osArch) {
    return SeccompFilter.forOsArch(osArch).orElseThrow();
  }

  static int auditArch(SeccompFilter f) {
    return f.arch().equals("x86_64") ? AUDIT_ARCH_X86_64 : AUDIT_ARCH_AARCH64;
  }

  static int nr(SeccompFilter f, String name) {
    Integer n = NR.get(f.arch()).get(name);
    assertThat(n).as("test table has %s on %s", name, f.arch()).isNotNull();
    return n;
  }

  static String run(SeccompFilter f, int nr, long... args) {
    return run(f.program(), auditArch(f), nr, args);
  }

  // ---------------------------------------------------------------------------------------------
  // Which filter for which machine

  @Test
  void archNamesMapToTheirTablesAndOthersAreUnavailable() {
    assertThat(filter("amd64").arch()).isEqualTo("x86_64");
    assertThat(filter("x86_64").arch()).isEqualTo("x86_64");
    assertThat(filter("aarch64").arch()).isEqualTo("aarch64");
    assertThat(filter("amd64").digest()).isEqualTo(filter("x86_64").digest());
    assertThat(filter("amd64").digest()).isNotEqualTo(filter("aarch64").digest());
    for (String other : List.of("x86", "i386", "arm", "ppc64le", "riscv64", "s390x", "", "unknown")) {
      assertThat(SeccompFilter.forOsArch(other)).as(other).isEmpty();
    }
    assertThat(SeccompFilter.forOsArch(null)).isEmpty();
  }

  @Test
  void thisMachineIsConsistentWithItsReason() {
    String osArch = System.getProperty("os.arch");
    if (SeccompFilter.forThisMachine().isPresent()) {
      assertThat(SeccompFilter.unavailableReason()).isNull();
      assertThat(SeccompFilter.forThisMachine().get().digest())
          .isEqualTo(filter(osArch).digest());
    } else {
      assertThat(SeccompFilter.unavailableReason()).contains("not available on " + osArch);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Shape of the program

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void programIsWellFormed(String osArch) throws Exception {
    SeccompFilter f = filter(osArch);
    byte[] p = f.program();
    assertThat(p.length % 8).isZero();
    int n = p.length / 8;
    assertThat(n).isBetween(10, 200); // far below BPF_MAXINSNS (4096)
    ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
    for (int pc = 0; pc < n; pc++) {
      int code = b.getShort(pc * 8) & 0xffff;
      int jt = b.get(pc * 8 + 2) & 0xff;
      int jf = b.get(pc * 8 + 3) & 0xff;
      int k = b.getInt(pc * 8 + 4);
      if ((code & 0x07) == 0x05) { // BPF_JMP
        if ((code & 0xf0) == 0x00) { // JA
          assertThat((long) pc + 1 + Integer.toUnsignedLong(k)).as("JA at %d", pc).isLessThan(n);
        } else {
          assertThat(pc + 1 + jt).as("jt at %d", pc).isLessThan(n);
          assertThat(pc + 1 + jf).as("jf at %d", pc).isLessThan(n);
        }
      } else {
        assertThat(jt | jf).as("no jump offsets on a non-jump at %d", pc).isZero();
      }
    }
    assertThat(b.getShort((n - 1) * 8) & 0xffff).as("ends with RET K").isEqualTo(0x06);
    // a copy each time, and the digest is of the program
    p[0] ^= 1;
    assertThat(f.program()).isNotEqualTo(p);
    assertThat(f.digest()).isEqualTo(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(f.program())));
  }

  // ---------------------------------------------------------------------------------------------
  // Behaviour, on both arches

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void ordinarySyscallsAreAllowed(String osArch) {
    SeccompFilter f = filter(osArch);
    List<String> ordinary = f.arch().equals("x86_64")
        ? List.of("read", "write", "openat", "fork", "execve", "getpid", "pidfd_open")
        : List.of("read", "write", "openat", "execve", "getpid", "pidfd_open");
    for (String name : ordinary) {
      assertThat(run(f, nr(f, name), 3, -1, 0x1234, 0, 0, 0)).as(name).isEqualTo(ALLOW);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void everyDeniedSyscallGetsEperm(String osArch) {
    SeccompFilter f = filter(osArch);
    List<String> expected = new ArrayList<>(DENIED_BOTH);
    if (f.arch().equals("x86_64")) {
      expected.addAll(DENIED_X86_ONLY);
    }
    assertThat(f.deniedSyscalls()).containsExactlyInAnyOrderElementsOf(expected);
    for (String name : f.deniedSyscalls()) {
      assertThat(run(f, nr(f, name))).as(name).isEqualTo(EPERM);
      assertThat(run(f, nr(f, name), -1, -1, -1, -1, -1, -1)).as(name + " any args").isEqualTo(EPERM);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void everythingElseIsAllowed(String osArch) {
    SeccompFilter f = filter(osArch);
    Set<Integer> special = new HashSet<>();
    for (String name : f.deniedSyscalls()) {
      special.add(nr(f, name));
    }
    special.addAll(List.of(nr(f, "clone"), nr(f, "clone3"), nr(f, "ioctl")));
    for (int n = 0; n < 1024; n++) {
      if (!special.contains(n)) {
        assertThat(run(f, n, 0x10000000, 0x5412, 0, 0, 0, 0)).as("syscall %d", n).isEqualTo(ALLOW);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void cloneWithANamespaceFlagIsRefused(String osArch) {
    SeccompFilter f = filter(osArch);
    int clone = nr(f, "clone");
    for (int flag : NAMESPACE_FLAGS) {
      assertThat(run(f, clone, flag)).as("clone 0x%x", flag).isEqualTo(EPERM);
      assertThat(run(f, clone, FORK_FLAGS | flag)).as("fork + 0x%x", flag).isEqualTo(EPERM);
      assertThat(run(f, clone, THREAD_FLAGS | flag | 0xffffffff00000000L)).as("thread + 0x%x", flag)
          .isEqualTo(EPERM);
    }
    assertThat(run(f, clone, 0x7e020000L | 17)).isEqualTo(EPERM);
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void ordinaryCloneIsAllowed(String osArch) {
    SeccompFilter f = filter(osArch);
    int clone = nr(f, "clone");
    assertThat(run(f, clone, THREAD_FLAGS, 0x7f0000001000L, 0x7f0000002000L)).isEqualTo(ALLOW);
    assertThat(run(f, clone, FORK_FLAGS)).isEqualTo(ALLOW);
    assertThat(run(f, clone, 0x4111)).as("vfork-like CLONE_VM|CLONE_VFORK|SIGCHLD").isEqualTo(ALLOW);
    // the kernel reads clone's flags as 32 bits; high bits are not namespace flags
    assertThat(run(f, clone, 0x1000000000L | 0x10000000L << 32 | FORK_FLAGS)).isEqualTo(ALLOW);
    // a namespace flag value in another argument does not matter
    assertThat(run(f, clone, FORK_FLAGS, 0x10000000, 0x10000000, 0x10000000, 0x10000000)).isEqualTo(ALLOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void clone3SaysItDoesNotExist(String osArch) {
    SeccompFilter f = filter(osArch);
    assertThat(run(f, nr(f, "clone3"), 0x7f0000001000L, 88)).isEqualTo(ENOSYS);
    assertThat(run(f, nr(f, "clone3"))).isEqualTo(ENOSYS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void terminalInjectionIoctlsAreRefused(String osArch) {
    SeccompFilter f = filter(osArch);
    int ioctl = nr(f, "ioctl");
    assertThat(run(f, ioctl, 0, 0x5412, 0x7f0000001000L)).as("TIOCSTI").isEqualTo(EPERM);
    assertThat(run(f, ioctl, 0, 0x541C, 0x7f0000001000L)).as("TIOCLINUX").isEqualTo(EPERM);
    // the request is an unsigned int to the kernel: high bits do not hide it
    assertThat(run(f, ioctl, 0, 0xffffffff00005412L)).as("TIOCSTI, high bits set").isEqualTo(EPERM);
    assertThat(run(f, ioctl, 1, 0x5401, 0x7f0000001000L)).as("TCGETS").isEqualTo(ALLOW);
    assertThat(run(f, ioctl, 1, 0x5413)).as("TIOCGWINSZ").isEqualTo(ALLOW);
    assertThat(run(f, ioctl, 0x5412, 0x5401)).as("fd number is not the request").isEqualTo(ALLOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void aForeignArchIsKilled(String osArch) {
    SeccompFilter f = filter(osArch);
    int other = f.arch().equals("x86_64") ? AUDIT_ARCH_AARCH64 : AUDIT_ARCH_X86_64;
    for (int arch : new int[] {other, AUDIT_ARCH_I386, AUDIT_ARCH_ARM, 0, -1}) {
      for (int n : new int[] {0, 20, 39, 172, nr(f, "read")}) {
        assertThat(run(f.program(), arch, n)).as("arch 0x%x nr %d", arch, n).isEqualTo(KILL_PROCESS);
      }
    }
  }

  @Test
  void x32SyscallsAreRefusedOnX86_64() {
    SeccompFilter f = filter("amd64");
    for (int n : new int[] {0, 39, 101, 521, 545, 0x3fffffff}) {
      assertThat(run(f, 0x40000000 | n)).as("x32 %d", n).isEqualTo(EPERM);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // install()

  @Test
  void installWritesOnceUnderTheDigestName() throws IOException {
    SeccompFilter f = filter("amd64");
    Path p = f.install(dir.resolve("filters"));
    assertThat(p).isEqualTo(dir.resolve("filters").resolve("seccomp-" + f.digest().substring(0, 16) + ".bpf"));
    assertThat(Files.readAllBytes(p)).isEqualTo(f.program());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-r--r--");
    Object inode = Files.readAttributes(p, BasicFileAttributes.class).fileKey();

    assertThat(f.install(dir.resolve("filters"))).isEqualTo(p);
    assertThat(Files.readAttributes(p, BasicFileAttributes.class).fileKey())
        .as("an identical file is not rewritten").isEqualTo(inode);

    Path other = filter("aarch64").install(dir.resolve("filters"));
    assertThat(other).isNotEqualTo(p);
    try (Stream<Path> s = Files.list(dir.resolve("filters"))) {
      assertThat(s.map(x -> x.getFileName().toString()))
          .as("no temporary files left").containsExactlyInAnyOrder(
              p.getFileName().toString(), other.getFileName().toString());
    }
  }

  @Test
  void installReplacesADamagedFileWhole() throws IOException {
    SeccompFilter f = filter("aarch64");
    Path p = f.install(dir);
    Files.write(p, new byte[] {1, 2, 3});
    assertThat(f.install(dir)).isEqualTo(p);
    assertThat(Files.readAllBytes(p)).isEqualTo(f.program());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-r--r--");
  }

  // ---------------------------------------------------------------------------------------------
  // The test's syscall numbers against the kernel headers of this machine, where installed

  @Test
  void x86_64NumbersMatchTheInstalledHeaders() throws IOException {
    Path h = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    assumeTrue(Files.isReadable(h), "no x86_64 kernel headers here");
    Map<String, Integer> header = defines(Files.readString(h));
    NR.get("x86_64").forEach((name, n) -> assertThat(header.get(name)).as(name).isEqualTo(n));
  }

  @Test
  void aarch64NumbersMatchTheGenericHeader() throws IOException {
    Path h = Path.of("/usr/include/asm-generic/unistd.h");
    assumeTrue(Files.isReadable(h), "no asm-generic kernel headers here");
    Map<String, Integer> header = defines(Files.readString(h));
    NR.get("aarch64").forEach((name, n) -> assertThat(header.get(name)).as(name).isEqualTo(n));
    for (String absent : DENIED_X86_ONLY) {
      assertThat(header).as("the generic table has no %s", absent).doesNotContainKey(absent);
    }
    assertThat(header).doesNotContainKey("fork");
  }

  private static Map<String, Integer> defines(String header) {
    Map<String, Integer> m = new HashMap<>();
    Matcher mt = Pattern.compile("(?m)^#define __NR(?:3264)?_(\\w+)\\s+(\\d+)\\s*$").matcher(header);
    while (mt.find()) {
      m.put(mt.group(1), Integer.parseInt(mt.group(2)));
    }
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // A classic BPF interpreter with the seccomp checker's rules for loads

  /** The action the program returns, named: ALLOW, KILL_PROCESS, ERRNO(n), or hex. */
  static String run(byte[] program, int arch, int nr, long... args) {
    int k = exec(program, arch, nr, args);
    if (k == 0x7fff0000) {
      return "ALLOW";
    } else if (k == 0x80000000) {
      return "KILL_PROCESS";
    } else if ((k & 0xffff0000) == 0x00050000) {
      return "ERRNO(" + (k & 0xffff) + ")";
    }
    return String.format("0x%08x", k);
  }

  static int exec(byte[] program, int arch, int nr, long... args) {
    ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    data.putInt(0, nr).putInt(4, arch).putLong(8, 0x400123L);
    for (int i = 0; i < args.length; i++) {
      data.putLong(16 + 8 * i, args[i]);
    }
    ByteBuffer p = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
    int n = program.length / 8;
    int a = 0;
    int pc = 0;
    for (int steps = 0; steps <= n; steps++) { // jumps only go forward
      if (pc < 0 || pc >= n) {
        fail("ran off the program at " + pc);
      }
      int code = p.getShort(pc * 8) & 0xffff;
      int jt = p.get(pc * 8 + 2) & 0xff;
      int jf = p.get(pc * 8 + 3) & 0xff;
      int k = p.getInt(pc * 8 + 4);
      pc++;
      switch (code) {
        case 0x20 -> { // LD W ABS: the kernel allows only aligned words inside seccomp_data
          assertThat(k % 4 == 0 && k >= 0 && k + 4 <= 64).as("load offset %d", k).isTrue();
          a = data.getInt(k);
        }
        case 0x54 -> a &= k; // ALU AND K
        case 0x05 -> pc += k; // JA
        case 0x15 -> pc += a == k ? jt : jf; // JEQ K
        case 0x25 -> pc += Integer.compareUnsigned(a, k) > 0 ? jt : jf; // JGT K
        case 0x35 -> pc += Integer.compareUnsigned(a, k) >= 0 ? jt : jf; // JGE K
        case 0x45 -> pc += (a & k) != 0 ? jt : jf; // JSET K
        case 0x06 -> {
          return k; // RET K
        }
        default -> fail("opcode 0x%x at %d not handled by the test interpreter", code, pc - 1);
      }
    }
    return fail("program did not return");
  }
}
