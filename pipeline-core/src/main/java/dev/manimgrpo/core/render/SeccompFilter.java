package dev.manimgrpo.core.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A seccomp filter for bubblewrap's {@code --seccomp FD}: a classic BPF program, as the kernel's
 * {@code struct sock_filter} array (8 bytes an instruction, little-endian), over
 * {@code struct seccomp_data}.
 *
 * <p>The program kills the process on a foreign syscall ABI (i386 entry on x86_64, AArch32 on
 * aarch64), whose numbers the tables here do not describe; answers EPERM to x32 syscalls, to
 * syscalls a render has no business making (ptrace, mounts, namespaces, kernel modules, keyrings,
 * BPF, io_uring, clock setting, SysV IPC and POSIX message queues, and the like), to
 * {@code clone} with namespace flags and to the terminal-injection ioctls; answers ENOSYS to
 * {@code clone3} (its flags sit behind a pointer seccomp cannot read, and glibc then falls back
 * to {@code clone}); and allows everything else.
 *
 * <p>It is assembled here rather than with libseccomp so that every executor can build it with no
 * native library. Only x86_64 and aarch64 are known; elsewhere the filter is unavailable rather
 * than built from a wrong syscall table.
 */
public final class SeccompFilter {

  // Classic BPF opcodes (linux/filter.h, linux/bpf_common.h).
  private static final int LD_W_ABS = 0x00 | 0x00 | 0x20; // BPF_LD | BPF_W | BPF_ABS
  private static final int JEQ_K = 0x05 | 0x10 | 0x00; // BPF_JMP | BPF_JEQ | BPF_K
  private static final int JSET_K = 0x05 | 0x40 | 0x00; // BPF_JMP | BPF_JSET | BPF_K
  private static final int RET_K = 0x06 | 0x00; // BPF_RET | BPF_K

  // Offsets in struct seccomp_data. Both supported arches are little-endian, so the low 32 bits
  // of args[i] are the first word of the 64-bit slot.
  private static final int OFF_NR = 0;
  private static final int OFF_ARCH = 4;
  private static final int OFF_ARG0_LO = 16;
  private static final int OFF_ARG1_LO = 24;

  // Return values (linux/seccomp.h).
  private static final int RET_KILL_PROCESS = 0x80000000;
  private static final int RET_ERRNO = 0x00050000;
  private static final int RET_ALLOW = 0x7fff0000;
  private static final int EPERM = 1;
  private static final int ENOSYS = 38;

  // Syscalls made through the x32 ABI on x86_64 carry this bit; they bypass a table of x86_64
  // numbers, so they are refused wholesale.
  private static final int X32_SYSCALL_BIT = 0x40000000;

  // clone flags that create namespaces: CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER
  // | NEWPID | NEWNET. (CLONE_NEWTIME collides with the exit signal bits of clone and is only
  // reachable through clone3, which is refused.)
  private static final int CLONE_NAMESPACE_FLAGS =
      0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

  // ioctls that push input into, or reconfigure, a terminal another process reads.
  private static final int TIOCSTI = 0x5412;
  private static final int TIOCLINUX = 0x541C;

  // Kernel limit on a filter's length (BPF_MAXINSNS); ours must stay far below it.
  private static final int MAX_INSNS = 4096;

  /** The syscalls answered EPERM outright, in program order; absent ones are skipped per arch. */
  private static final List<String> DENIED = List.of(
      "ptrace", "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "bpf", "keyctl",
      "add_key", "request_key", "perf_event_open", "kexec_load", "kexec_file_load", "init_module",
      "finit_module", "delete_module", "userfaultfd", "process_vm_readv", "process_vm_writev",
      "open_by_handle_at", "name_to_handle_at", "swapon", "swapoff", "reboot", "syslog", "acct",
      "quotactl", "lookup_dcookie", "io_uring_setup", "io_uring_enter", "io_uring_register",
      "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
      "iopl", "ioperm", "sethostname", "setdomainname", "settimeofday", "clock_settime",
      "clock_adjtime", "adjtimex", "vhangup", "uselib", "pidfd_getfd", "fanotify_init", "kcmp",
      // SysV IPC and POSIX message queues live in the sandbox's IPC namespace, which lasts as long
      // as the worker: objects one render makes are there for the next, and detached SysV shared
      // memory stays resident with no process mapping it, where no watchdog counts it.
      "shmget", "semget", "msgget", "mq_open");

  /** A supported syscall ABI: its audit arch value and its syscall numbers. */
  private enum Arch {
    // arch/x86/entry/syscalls/syscall_64.tbl (the "common"/"64" entries).
    X86_64("x86_64", 0xC000003E, true, Map.ofEntries(
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
        Map.entry("name_to_handle_at", 303), Map.entry("swapon", 167), Map.entry("swapoff", 168),
        Map.entry("reboot", 169), Map.entry("syslog", 103), Map.entry("acct", 163),
        Map.entry("quotactl", 179), Map.entry("lookup_dcookie", 212),
        Map.entry("io_uring_setup", 425), Map.entry("io_uring_enter", 426),
        Map.entry("io_uring_register", 427), Map.entry("fsopen", 430), Map.entry("fsconfig", 431),
        Map.entry("fsmount", 432), Map.entry("fspick", 433), Map.entry("move_mount", 429),
        Map.entry("open_tree", 428), Map.entry("mount_setattr", 442), Map.entry("iopl", 172),
        Map.entry("ioperm", 173), Map.entry("sethostname", 170), Map.entry("setdomainname", 171),
        Map.entry("settimeofday", 164), Map.entry("clock_settime", 227),
        Map.entry("clock_adjtime", 305), Map.entry("adjtimex", 159), Map.entry("vhangup", 153),
        Map.entry("uselib", 134), Map.entry("pidfd_getfd", 438), Map.entry("fanotify_init", 300),
        Map.entry("kcmp", 312), Map.entry("shmget", 29), Map.entry("semget", 64), Map.entry("msgget", 68),
        Map.entry("mq_open", 240))),
    // include/uapi/asm-generic/unistd.h, which arm64 uses; it has no iopl, ioperm or uselib.
    AARCH64("aarch64", 0xC00000B7, false, Map.ofEntries(
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
        Map.entry("name_to_handle_at", 264), Map.entry("swapon", 224), Map.entry("swapoff", 225),
        Map.entry("reboot", 142), Map.entry("syslog", 116), Map.entry("acct", 89),
        Map.entry("quotactl", 60), Map.entry("lookup_dcookie", 18),
        Map.entry("io_uring_setup", 425), Map.entry("io_uring_enter", 426),
        Map.entry("io_uring_register", 427), Map.entry("fsopen", 430), Map.entry("fsconfig", 431),
        Map.entry("fsmount", 432), Map.entry("fspick", 433), Map.entry("move_mount", 429),
        Map.entry("open_tree", 428), Map.entry("mount_setattr", 442),
        Map.entry("sethostname", 161), Map.entry("setdomainname", 162),
        Map.entry("settimeofday", 170), Map.entry("clock_settime", 112),
        Map.entry("clock_adjtime", 266), Map.entry("adjtimex", 171), Map.entry("vhangup", 58),
        Map.entry("pidfd_getfd", 438), Map.entry("fanotify_init", 262), Map.entry("kcmp", 272),
        Map.entry("shmget", 194), Map.entry("semget", 190), Map.entry("msgget", 186), Map.entry("mq_open", 180)));

    final String name;
    final int auditArch;
    final boolean hasX32;
    final Map<String, Integer> numbers;

    Arch(String name, int auditArch, boolean hasX32, Map<String, Integer> numbers) {
      this.name = name;
      this.auditArch = auditArch;
      this.hasX32 = hasX32;
      this.numbers = numbers;
    }

    /** The arch for a {@code os.arch} value, or null when there is no table for it. */
    static Arch ofOsArch(String osArch) {
      return switch (osArch == null ? "" : osArch.toLowerCase(Locale.ROOT)) {
        case "amd64", "x86_64" -> X86_64;
        case "aarch64" -> AARCH64;
        default -> null;
      };
    }
  }

  private final Arch arch;
  private final byte[] program;
  private final List<String> denied;
  private final String digest;

  private SeccompFilter(Arch arch) {
    this.arch = arch;
    List<String> names = new ArrayList<>();
    for (String name : DENIED) {
      if (arch.numbers.containsKey(name)) {
        names.add(name);
      }
    }
    this.denied = List.copyOf(names);
    this.program = assemble(arch, denied);
    this.digest = sha256Hex(program);
  }

  /**
   * The filter for the architecture this JVM runs on ({@code os.arch}), or empty when there is no
   * syscall table for it (then {@link #unavailableReason()} says why).
   */
  public static Optional<SeccompFilter> forThisMachine() {
    return forOsArch(System.getProperty("os.arch"));
  }

  /** The filter for an {@code os.arch} value; package-private so tests can build both arches. */
  static Optional<SeccompFilter> forOsArch(String osArch) {
    Arch a = Arch.ofOsArch(osArch);
    return a == null ? Optional.empty() : Optional.of(new SeccompFilter(a));
  }

  /** Why {@link #forThisMachine()} is empty, or null when the filter is available here. */
  public static String unavailableReason() {
    String osArch = System.getProperty("os.arch");
    return Arch.ofOsArch(osArch) != null
        ? null
        : "seccomp filter not available on " + osArch + " (syscall tables exist for x86_64 and aarch64 only)";
  }

  /** The architecture the program is for: {@code x86_64} or {@code aarch64}. */
  public String arch() {
    return arch.name;
  }

  /** The BPF program, as bubblewrap reads it from its {@code --seccomp} fd (a copy). */
  public byte[] program() {
    return program.clone();
  }

  /**
   * The syscalls answered EPERM whatever their arguments. Not listed, because they depend on
   * arguments: {@code clone} with namespace flags (EPERM), {@code clone3} (ENOSYS),
   * {@code ioctl} TIOCSTI/TIOCLINUX (EPERM), and x32 syscalls on x86_64 (EPERM).
   */
  public List<String> deniedSyscalls() {
    return denied;
  }

  /** SHA-256 of {@link #program()}, lowercase hex. */
  public String digest() {
    return digest;
  }

  /**
   * Writes the program to {@code dir/seccomp-<first 16 hex of digest>.bpf} (rw-r--r--) and
   * returns that path. The name is the content's, so an identical file already there is kept as
   * is; otherwise the file appears whole (written aside, then renamed), never half-written.
   */
  public Path install(Path dir) {
    Path target = dir.resolve("seccomp-" + digest.substring(0, 16) + ".bpf");
    try {
      Files.createDirectories(dir);
      if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), program)) {
        return target;
      }
      Path tmp = Files.createTempFile(dir, ".seccomp-", ".tmp");
      try {
        Files.write(tmp, program);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          // Same folder, so this only happens on odd filesystems; a plain replace is the best left.
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write seccomp filter to " + target, e);
    }
  }

  /**
   * Lays the program out as: arch check, (x32 check), a linear chain of syscall-number compares
   * that all jump forward to a few shared tails placed right after the chain, then the tails.
   * The longest jump is the chain's length plus the tails, far below the 255 a jt/jf can hold;
   * {@link Asm} checks every jump anyway.
   *
   * <p>Allowed syscalls never read their arguments, so the kernel's per-syscall action cache
   * (Linux 5.11+) lets them skip the filter entirely after the first call.
   */
  private static byte[] assemble(Arch arch, List<String> denied) {
    Map<String, Integer> nr = arch.numbers;
    Asm a = new Asm();
    a.stmt(LD_W_ABS, OFF_ARCH);
    a.jump(JEQ_K, arch.auditArch, null, "kill");
    a.stmt(LD_W_ABS, OFF_NR);
    if (arch.hasX32) {
      a.jump(JSET_K, X32_SYSCALL_BIT, "eperm", null);
    }
    a.jump(JEQ_K, nr.get("clone"), "clone", null);
    a.jump(JEQ_K, nr.get("clone3"), "enosys", null);
    a.jump(JEQ_K, nr.get("ioctl"), "ioctl", null);
    for (String name : denied) {
      a.jump(JEQ_K, nr.get(name), "eperm", null);
    }
    a.stmt(RET_K, RET_ALLOW);

    a.label("clone");
    // clone's flags are args[0] on both arches (only the later arguments differ).
    a.stmt(LD_W_ABS, OFF_ARG0_LO);
    a.jump(JSET_K, CLONE_NAMESPACE_FLAGS, "eperm", null);
    a.stmt(RET_K, RET_ALLOW);

    a.label("ioctl");
    // The kernel takes the request as an unsigned int, so the low 32 bits are all that count.
    a.stmt(LD_W_ABS, OFF_ARG1_LO);
    a.jump(JEQ_K, TIOCSTI, "eperm", null);
    a.jump(JEQ_K, TIOCLINUX, "eperm", null);
    a.stmt(RET_K, RET_ALLOW);

    a.label("enosys");
    a.stmt(RET_K, RET_ERRNO | ENOSYS);
    a.label("eperm");
    a.stmt(RET_K, RET_ERRNO | EPERM);
    a.label("kill");
    a.stmt(RET_K, RET_KILL_PROCESS);
    return a.bytes();
  }

  /** A forward-only classic BPF assembler with named jump targets. */
  private static final class Asm {
    private final List<int[]> insns = new ArrayList<>(); // code, k
    private final List<String[]> targets = new ArrayList<>(); // jt, jf labels; null = next
    private final Map<String, Integer> labels = new HashMap<>();

    void stmt(int code, int k) {
      insns.add(new int[] {code, k});
      targets.add(new String[] {null, null});
    }

    void jump(int code, int k, String jt, String jf) {
      insns.add(new int[] {code, k});
      targets.add(new String[] {jt, jf});
    }

    void label(String name) {
      if (labels.putIfAbsent(name, insns.size()) != null) {
        throw new IllegalStateException("label defined twice: " + name);
      }
    }

    byte[] bytes() {
      if (insns.size() >= MAX_INSNS) {
        throw new IllegalStateException("seccomp program too long: " + insns.size());
      }
      ByteBuffer buf = ByteBuffer.allocate(insns.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < insns.size(); i++) {
        int[] in = insns.get(i);
        buf.putShort((short) in[0]);
        buf.put((byte) offset(i, targets.get(i)[0]));
        buf.put((byte) offset(i, targets.get(i)[1]));
        buf.putInt(in[1]);
      }
      return buf.array();
    }

    // Jumps are relative to the next instruction and must fit jt/jf's 8 bits.
    private int offset(int from, String label) {
      if (label == null) {
        return 0;
      }
      Integer to = labels.get(label);
      if (to == null) {
        throw new IllegalStateException("undefined label " + label);
      }
      int off = to - from - 1;
      if (off < 0 || off > 255) {
        throw new IllegalStateException("jump from " + from + " to " + label + " out of range: " + off);
      }
      return off;
    }
  }

  private static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
