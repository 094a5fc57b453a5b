package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter in the real kernel, loaded by bubblewrap from fd 3 the way the render sandbox will:
 * a Python program in the sandbox makes each refused syscall through libc's {@code syscall()}
 * and gets EPERM, while fork, threads, subprocesses and pidfds still work. The same program
 * without {@code --seccomp} is the control: there the probes do not get EPERM, so the verdict
 * is the filter's doing.
 */
@Tag("security")
class SeccompSandboxTest {

  static final String BWRAP = "/usr/bin/bwrap";
  static final String PYTHON = "/usr/bin/python3";

  // Each probe runs in a forked child, so one that succeeds (in the control: a new namespace, a
  // tracer, a mount) cannot change the process that runs the others. The child's exit code is
  // the errno.
  static final String SCRIPT = """
      import ctypes, errno, json, mmap, os, signal, subprocess, sys, threading
      NR = @NR@
      X86_64 = @X86_64@
      libc = ctypes.CDLL(None, use_errno=True)
      libc.syscall.restype = ctypes.c_long

      def in_child(fn):
          pid = os.fork()
          if pid == 0:
              try:
                  code = fn()
              except BaseException:
                  code = 254
              os._exit(code)
          _, st = os.waitpid(pid, 0)
          if os.WIFSIGNALED(st):
              return "signal %d" % os.WTERMSIG(st)
          c = os.WEXITSTATUS(st)
          return "ok" if c == 0 else errno.errorcode.get(c, "exit %d" % c)

      def sys_call(nr, *args):
          def fn():
              ctypes.set_errno(0)
              r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
              return 0 if r != -1 else (ctypes.get_errno() or 253)
          return in_child(fn)

      s = ctypes.c_char_p
      out = {"probes": {}, "works": {}}
      p = out["probes"]
      p["ptrace"] = sys_call(NR["ptrace"], 0, 0, 0, 0)                      # PTRACE_TRACEME
      p["unshare_user"] = sys_call(NR["unshare"], 0x10000000)              # CLONE_NEWUSER
      p["unshare_ns"] = sys_call(NR["unshare"], 0x20000)                   # CLONE_NEWNS
      p["mount"] = sys_call(NR["mount"], s(b"none"), s(b"/tmp"), s(b"tmpfs"), 0, None)
      p["keyctl"] = sys_call(NR["keyctl"], 0, -3, 0)                       # GET_KEYRING_ID, session
      p["bpf"] = sys_call(NR["bpf"], 0, None, 0)                           # BPF_MAP_CREATE
      p["perf_event_open"] = sys_call(NR["perf_event_open"], None, 0, -1, -1, 0)
      p["io_uring_setup"] = sys_call(NR["io_uring_setup"], 1, None)
      p["setns"] = sys_call(NR["setns"], -1, 0)
      p["clone_newuser"] = sys_call(NR["clone"], 0x10000000 | signal.SIGCHLD, 0, 0, 0, 0)
      p["clone3"] = sys_call(NR["clone3"], None, 0)
      p["ioctl_tiocsti"] = sys_call(NR["ioctl"], 0, 0x5412, s(b"x"))
      if X86_64:
          p["x32_getpid"] = sys_call(0x40000000 | NR["getpid"])
          def int80():
              # mov eax, 20 (getpid in the i386 table); int 0x80; ret
              m = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
              m.write(b"\\xb8\\x14\\x00\\x00\\x00\\xcd\\x80\\xc3")
              addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
              return 0 if ctypes.CFUNCTYPE(ctypes.c_int)(addr)() == os.getpid() else 252
          p["i386_int80"] = in_child(int80)

      w = out["works"]
      def check(name, fn):
          try:
              w[name] = fn()
          except BaseException as e:
              w[name] = "%s: %s" % (type(e).__name__, e)
      def fork_wait():
          pid = os.fork()
          if pid == 0:
              os._exit(7)
          return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 7
      def thread():
          box = []
          t = threading.Thread(target=lambda: box.append(42))
          t.start()
          t.join()
          return box == [42]
      def pidfd():
          pid = os.fork()
          if pid == 0:
              signal.pause()
              os._exit(0)
          fd = os.pidfd_open(pid)
          signal.pidfd_send_signal(fd, signal.SIGKILL)
          _, st = os.waitpid(pid, 0)
          os.close(fd)
          return os.WIFSIGNALED(st) and os.WTERMSIG(st) == signal.SIGKILL
      check("fork", fork_wait)
      check("thread", thread)
      check("subprocess", lambda: subprocess.run(["/bin/true"]).returncode == 0)
      check("pidfd", pidfd)

      try:
          os.fstat(3)
          out["fd3"] = "open: " + os.readlink("/proc/self/fd/3")
      except OSError as e:
          out["fd3"] = "closed" if e.errno == errno.EBADF else str(e)
      fds = {}
      for name in os.listdir("/proc/self/fd"):
          try:
              fds[name] = os.readlink("/proc/self/fd/" + name)
          except OSError:
              pass
      out["fds"] = fds
      print(json.dumps(out, sort_keys=True))
      """;

  static final List<String> PROBES = List.of(
      "ptrace", "unshare_user", "unshare_ns", "mount", "keyctl", "bpf", "perf_event_open",
      "io_uring_setup", "setns", "clone_newuser", "ioctl_tiocsti");

  @TempDir static Path dir;
  static SeccompFilter filter;
  static Path installed;

  @BeforeAll
  static void prerequisites() {
    assumeTrue(Files.isExecutable(Path.of(BWRAP)), "no bubblewrap at " + BWRAP);
    assumeTrue(Files.isExecutable(Path.of(PYTHON)), "no " + PYTHON);
    assumeTrue(SeccompFilter.forThisMachine().isPresent(), SeccompFilter.unavailableReason());
    filter = SeccompFilter.forThisMachine().get();
    installed = filter.install(dir);
  }

  /** Runs the probe script in bubblewrap, with the filter on fd 3 or without it. */
  static JsonNode sandboxed(boolean withFilter) throws IOException, InterruptedException {
    Map<String, Integer> nr = SeccompFilterTest.NR.get(filter.arch());
    String script = SCRIPT
        .replace("@NR@", new ObjectMapper().writeValueAsString(nr))
        .replace("@X86_64@", filter.arch().equals("x86_64") ? "True" : "False");
    List<String> cmd = new ArrayList<>(List.of(
        "/bin/sh", "-c", "f=$1; shift; exec \"$@\" 3<\"$f\"", "sh", installed.toString(), BWRAP));
    if (withFilter) {
      cmd.addAll(List.of("--seccomp", "3"));
    }
    cmd.addAll(List.of("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        "--unshare-all", "--die-with-parent", "--new-session", PYTHON, "-I", "-c", script));
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    proc.getOutputStream().close();
    byte[] out = proc.getInputStream().readAllBytes();
    assertThat(proc.waitFor(60, TimeUnit.SECONDS)).as("sandbox finished").isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(proc.exitValue()).as("sandbox exit, output:\n%s", text).isZero();
    String[] lines = text.strip().split("\n");
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }

  @Test
  void refusedSyscallsGetEpermAndOrdinaryWorkStillWorks() throws Exception {
    JsonNode on = sandboxed(true);
    JsonNode off = sandboxed(false);
    Map<String, String> verdict = new LinkedHashMap<>();
    on.get("probes").fields().forEachRemaining(e -> verdict.put(e.getKey(), e.getValue().asText()));
    String report = "with filter " + on + "\nwithout " + off;

    for (String probe : PROBES) {
      assertThat(verdict.get(probe)).as("%s\n%s", probe, report).isEqualTo("EPERM");
    }
    assertThat(verdict.get("clone3")).as(report).isEqualTo("ENOSYS");
    if (filter.arch().equals("x86_64")) {
      assertThat(verdict.get("x32_getpid")).as(report).isEqualTo("EPERM");
      if (off.get("probes").get("i386_int80").asText().equals("ok")) { // the kernel has IA-32 entry
        assertThat(verdict.get("i386_int80")).as("killed by SIGSYS\n%s", report).isEqualTo("signal 31");
      }
    }
    for (String work : List.of("fork", "thread", "subprocess", "pidfd")) {
      assertThat(on.get("works").get(work).asText()).as("%s\n%s", work, report).isEqualTo("true");
    }

    // The control: without the filter these calls do not fail with EPERM (setns(-1) is EBADF,
    // clone3(NULL) EINVAL, TIOCSTI on a pipe ENOTTY), so EPERM above is the filter's answer.
    for (String probe : List.of("setns", "clone3", "ioctl_tiocsti")) {
      assertThat(off.get("probes").get(probe).asText()).as("%s unfiltered\n%s", probe, report)
          .isNotIn("EPERM", "ENOSYS");
    }
  }

  @Test
  void theFilterFdDoesNotReachTheSandboxedProgram() throws Exception {
    JsonNode on = sandboxed(true);
    assertThat(on.get("fd3").asText()).as(on.toString()).isEqualTo("closed");
    on.get("fds").fields().forEachRemaining(e ->
        assertThat(e.getValue().asText()).as("fd %s", e.getKey()).doesNotContain(installed.getFileName().toString()));
  }
}
