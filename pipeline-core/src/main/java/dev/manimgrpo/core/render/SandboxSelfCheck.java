package dev.manimgrpo.core.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.config.CacheConfig;
import dev.manimgrpo.core.config.RenderConfig;
import dev.manimgrpo.core.config.RuntimeConfig.RuntimeMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Hostile renders against a live {@link RenderWorkerPool}: the suite of attacks that
 * model-generated code could make on the render service, as data (one Manim scene file each),
 * and a runner that renders them through the pool and then checks, from the host, that each
 * one failed. An operator command can run it on a node with the node's own pool and
 * configuration; {@code HostileRenderSuiteTest} runs it in the build.
 *
 * <p>Conventions of the cases. Each case is a scene named {@code Probe} that receives, through
 * one parameter block, a random marker of its own and what it needs to know of the host (never a
 * secret, only digests of them). A case that tries an attack checks from inside whether the
 * attack worked and then raises {@code RuntimeError('ATTACK SUCCEEDED: ...')}, so a render that
 * ends RENDERED means the attack failed, unless the case expects a failure status (a fork bomb
 * must end as {@code resource_limit}, a forged report as {@code tampered}). What the scene cannot
 * see for itself is checked on the host after every case:
 *
 * <ul>
 *   <li>no process whose command line carries the case's marker is alive, no process of the
 *       sandbox uids (when the JVM is root) lives outside a bubblewrap tree, and each worker's
 *       tree holds nothing but bubblewrap and the worker;
 *   <li>the probes are untouched: a secret file in a fresh folder outside the sandbox, a
 *       loopback TCP port and a Unix socket that count connections, a host process the renders
 *       try to signal; nothing named with the marker appeared in the host's or the runtime's
 *       folders; no secret (the probe's, or a value of this JVM's environment that looks like
 *       one) appears in what the render returned;
 *   <li>the pool still renders: a plain scene, rendered once per worker (the pool hands workers
 *       out in turn), is RENDERED with the same frames as before the suite, and sees no process,
 *       file, IPC object or setting left by an earlier render.
 * </ul>
 *
 * <p>A {@link Verdict} holds when the case's own expectation and every host check passed. Its
 * slot seconds are the attack render's wall seconds, what the attack cost a render slot.
 */
public final class SandboxSelfCheck {

  /**
   * One case's outcome.
   *
   * @param name short case name
   * @param attack what the generated code tries
   * @param held the attack failed: the render's status is the one the case expects, the
   *     scene did not see its attack succeed, no process of the render is left, the host is
   *     unchanged, and the pool still renders
   * @param status the attack render's status (the main one, for cases of several renders)
   * @param slotSeconds the attack render's wall seconds
   * @param detail what happened, and every problem found
   */
  public record Verdict(String name, String attack, boolean held, RenderStatus status, double slotSeconds,
      String detail) {}

  /** The scene class every case defines (and asks the pool for by name). */
  static final String SCENE = "Probe";
  /** What a scene raises when its attack worked. */
  static final String ATTACK_SUCCEEDED = "ATTACK SUCCEEDED";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The most the host's free disk may shrink during a case that writes a lot (others write too). */
  private static final long DISK_TOLERANCE_BYTES = 256L << 20;
  /** Environment variable names whose values count as secrets that must never reach a render. */
  private static final Pattern SECRET_NAME = Pattern.compile(
      "(?i).*(SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|SESSION).*");

  private SandboxSelfCheck() {}

  // ------------------------------------------------------------------------------ the scenes

  /**
   * Prepended to every case. P is the parameter block; the helpers find what a hostile scene
   * would look for in its own process: the worker's pipes by their file descriptors, the result
   * pipe's {@code Channel} object (which holds the render's nonce) and the heartbeat counter.
   */
  private static final String PRELUDE = """
      from manim import *
      import base64, ctypes, errno, fcntl, gc, hashlib, json, os, platform, shutil, signal, socket, stat, struct, subprocess, sys, time

      P = json.loads(base64.b64decode('@PARAMS@').decode('utf-8'))
      MARKER = P['marker']
      NL = chr(10)


      def attack_succeeded(what):
          raise RuntimeError('ATTACK SUCCEEDED: %s' % (what,))


      def sha256(data):
          return hashlib.sha256(data).hexdigest()


      def beat():
          VMobject()  # progress as the stall watchdog sees it: a mobject built


      def pipes(access):
          # the render's pipe fds but stderr opened for `access`, the widest first
          out = []
          for name in os.listdir('/proc/self/fd'):
              fd = int(name)
              if fd <= 2:
                  continue
              try:
                  if not stat.S_ISFIFO(os.fstat(fd).st_mode) or fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE != access:
                      continue
                  out.append((fd, fcntl.fcntl(fd, 1032)))  # F_GETPIPE_SZ
              except OSError:
                  continue
          return [fd for fd, _ in sorted(out, key=lambda p: (-p[1], p[0]))]


      def result_pipe():
          # the worker widened its result pipe to hold a whole frame: the widest write-only pipe
          return pipes(os.O_WRONLY)[0]


      def tex_request_pipe():
          return pipes(os.O_WRONLY)[-1]


      def worker_channel():
          for o in gc.get_objects():
              if type(o).__name__ == 'Channel' and hasattr(o, 'nonce') and hasattr(o, 'fd'):
                  return o
          return None


      def heartbeat_counter():
          for o in gc.get_objects():
              if getattr(o, '__name__', None) == 'beat' and getattr(o, '__closure__', None):
                  for cell in o.__closure__:
                      if isinstance(cell.cell_contents, ctypes.c_uint64):
                          return cell.cell_contents
          return None


      def layout_report(n):
          return {'applicable': True, 'frames': n, 'offscreen_frames': 0, 'text_overlap_frames': 0,
                  'max_offscreen_mobjects': 0, 'max_text_overlaps': 0, 'score': 1.0, 'error': None}


      """;

  /**
   * The plain scene rendered on every worker after each case: it must render, with the frames it
   * had before the suite, and must find nothing of earlier renders: no process but init, the
   * worker and itself, no file in its scratch, home or temp folders but its own, no SysV IPC
   * object in its IPC namespace (which lives as long as the worker).
   */
  private static final String SENTINEL = """
      class Probe(Scene):
          def construct(self):
              me, parent = os.getpid(), os.getppid()
              strangers = []
              for n in os.listdir('/proc'):
                  if n.isdigit() and int(n) not in (1, me, parent):
                      try:
                          with open('/proc/%s/cmdline' % n, 'rb') as f:
                              strangers.append('%s %r' % (n, f.read(100)))
                      except OSError:
                          strangers.append(n)
              if strangers:
                  attack_succeeded('processes of an earlier render are alive here: %s' % strangers)
              left = {}
              expected = {'/scratch': ['home', 'work'], os.environ['HOME']: [], '/scratch/work/out': [], '/tmp': [],
                          '/dev/shm': [], '/var/tmp': []}
              for d, names in expected.items():
                  try:
                      found = sorted(os.listdir(d))
                  except FileNotFoundError:
                      found = []  # not in this runtime (host mode binds only some folders)
                  except OSError as e:
                      found = [repr(e)]
                  if found != names:
                      left[d] = found[:20]
              extra = sorted(set(os.listdir('/scratch/work')) - {'scene.py', 'out', 'media'})
              if extra:
                  left['/scratch/work'] = extra
              for kind in ('shm', 'msg', 'sem'):
                  with open('/proc/sysvipc/' + kind) as f:
                      rows = f.read().strip().splitlines()[1:]
                  if rows:
                      left['/proc/sysvipc/' + kind] = len(rows)
              if left:
                  attack_succeeded('files or IPC objects of an earlier render are here: %s' % left)
              c = Circle(color=BLUE)
              self.play(Create(c), run_time=1)
              self.play(c.animate.shift(RIGHT), run_time=0.4)
      """;

  /** A formula: a render after a case compiles it fresh on a worker that had not compiled it. */
  private static final String FORMULA = """
      class Probe(Scene):
          def construct(self):
              self.play(Write(MathTex(r'\\int_0^1 x^{2}\\,dx = \\frac{1}{@N@}')), run_time=1)
      """;

  private static final String ENV_SECRETS = """
      ALLOWED = {'PATH', 'HOME', 'TMPDIR', 'LC_ALL', 'MPLCONFIGDIR', 'PYTHONDONTWRITEBYTECODE', 'PWD'}


      class Probe(Scene):
          def construct(self):
              secrets = set(P['secret_env'].values()) | {P['secret_sha']}
              names = set(P['secret_env'])
              found = []
              extra = sorted(set(os.environ) - ALLOWED)
              if extra:
                  found.append('os.environ has %s' % extra)
              for k, v in os.environ.items():
                  if sha256(v.encode('utf-8', 'surrogateescape')) in secrets:
                      found.append('os.environ[%s] holds a host secret' % k)
              readable = []
              for pid in ['self', '1', str(os.getppid())] + sorted(n for n in os.listdir('/proc') if n.isdigit()):
                  try:
                      with open('/proc/%s/environ' % pid, 'rb') as f:
                          data = f.read()
                  except OSError:
                      continue
                  readable.append(pid)
                  for entry in data.split(bytes(1)):
                      name, _, value = entry.partition(b'=')
                      name = name.decode('utf-8', 'replace')
                      if sha256(value) in secrets or name in names:
                          found.append('/proc/%s/environ holds %s' % (pid, name))
              if found:
                  attack_succeeded('; '.join(found))
              print('environments readable: %s' % sorted(set(readable)), file=sys.stderr)
              self.add(Dot())
      """;

  private static final String NETWORK = """
      class Probe(Scene):
          def construct(self):
              reached = []
              names = sorted(n for _, n in socket.if_nameindex())
              if names != ['lo']:
                  reached.append('network interfaces %s' % names)
              targets = [('127.0.0.1', P['port']), ('::1', P['port'])]
              for a in P['host_addrs']:
                  targets += [(a, P['port']), (a, 22), (a, 80), (a, 443)]
              targets += [('1.1.1.1', 53), ('8.8.8.8', 53), ('1.1.1.1', 443), ('2606:4700:4700::1111', 53)]
              for host, port in targets:
                  try:
                      with socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_STREAM) as s:
                          s.settimeout(2)
                          s.connect((host, port))
                          reached.append('tcp %s port %d' % (host, port))
                  except OSError:
                      pass
              for host in ('8.8.8.8', '1.1.1.1'):
                  try:
                      with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                          u.sendto(b'x', (host, 53))
                          reached.append('udp datagram to %s sent' % host)
                  except OSError:
                      pass
              try:
                  socket.getaddrinfo('example.com', 80)
                  reached.append('DNS resolved example.com')
              except OSError:
                  pass
              paths = [P['unix_sock'], '/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock',
                       '/run/dbus/system_bus_socket', '/run/systemd/private', '/run/user/0/bus']
              addresses = [(p, p) for p in paths] + [('@' + n, bytes(1) + n.encode()) for n in P['abstract_names']]
              for label, address in addresses:
                  for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                      try:
                          with socket.socket(socket.AF_UNIX, kind) as s:
                              s.connect(address)
                              reached.append('unix socket %s' % label)
                      except OSError:
                          pass
              if reached:
                  attack_succeeded(', '.join(sorted(set(reached))))
              self.add(Dot())
      """;

  private static final String HOST_FILES = """
      class Probe(Scene):
          def construct(self):
              leaks = []
              for path, digest in sorted(P['host_digests'].items()):
                  for where in (path, '/proc/1/root' + path, '/proc/%d/root' % os.getppid() + path, '/proc/self/root' + path):
                      try:
                          if os.path.isdir(where):
                              data = NL.join(sorted(os.listdir(where))).encode('utf-8', 'surrogateescape')
                          else:
                              with open(where, 'rb') as f:
                                  data = f.read(1 << 20)
                      except OSError:
                          continue
                      if sha256(data) == digest:
                          leaks.append(where)
              for path in (P['secret_path'], P['secret_dir'], P['ref_cache']):
                  if os.path.lexists(path):
                      leaks.append(path + ' exists in the sandbox')
              for dev in ('/dev/mem', '/dev/kmem', '/dev/port', '/dev/kmsg', '/dev/sda', '/dev/vda', '/dev/nvme0n1',
                          '/dev/dri', '/dev/fuse', '/dev/kvm', '/dev/nvidia0'):
                  if os.path.exists(dev):
                      leaks.append(dev + ' exists')
              if leaks:
                  attack_succeeded('host files visible: %s' % leaks)
              self.add(Dot())
      """;

  private static final String WRITES = """
      TRIES = ['/', '/usr', '/usr/bin', '/usr/lib/python3/dist-packages/manim', '/etc', '/opt', '/opt/manim-grpo', '/root',
               '/home', '/var/tmp', '/var/cache', '/run', '/run/lock', '/dev', '/dev/shm', '/proc', '/proc/sys', '/sys']
      SKIP = ('/proc', '/sys', '/scratch', '/tmp')


      def try_create(d, name):
          try:
              fd = os.open(os.path.join(d, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
          except OSError:
              return False
          os.close(fd)
          return True


      class Probe(Scene):
          def construct(self):
              name = MARKER + '-write'
              wrote = [d for d in TRIES if try_create(d, name)]
              for path in ('/proc/sys/kernel/hostname', '/proc/sys/kernel/core_pattern', '/proc/sys/vm/drop_caches',
                           '/proc/sysrq-trigger', '/opt/manim-grpo/manim_worker.py', '/usr/bin/python3'):
                  try:
                      os.close(os.open(path, os.O_WRONLY))
                      wrote.append(path + ' opened for writing')
                  except OSError:
                      pass
              for change in (lambda: os.utime('/usr/bin/python3'), lambda: os.chmod('/opt/manim-grpo', 0o777),
                             lambda: os.rename('/opt/manim-grpo/manim_worker.py', '/opt/manim-grpo/x')):
                  try:
                      change()
                      wrote.append('changed the runtime')
                  except OSError:
                      pass
              # every folder of the sandbox's file system but the render's own
              seen = 0
              stack = ['/']
              while stack and seen < 50000:
                  d = stack.pop()
                  seen += 1
                  if seen % 2000 == 0:
                      beat()
                  if d != '/' and try_create(d, name):
                      wrote.append(d)
                  try:
                      entries = list(os.scandir(d))
                  except OSError:
                      continue
                  for e in entries:
                      if e.is_dir(follow_symlinks=False) and not e.path.startswith(SKIP):
                          stack.append(e.path)
              if not try_create('/tmp', name) or not try_create('/scratch', name):
                  raise RuntimeError('the render cannot write its own scratch')
              if wrote:
                  attack_succeeded('wrote outside scratch: %s' % sorted(set(wrote))[:30])
              print('%d folders tried' % seen, file=sys.stderr)
              self.add(Dot())
      """;

  private static final String FORK_BOMB = """
      class Probe(Scene):
          def construct(self):
              while True:
                  os.fork()
      """;

  private static final String FORK_BOMB_RETRYING = """
      class Probe(Scene):
          def construct(self):
              while True:
                  try:
                      os.fork()
                  except OSError:
                      pass
      """;

  private static final String FORK_BOMB_SHELL = """
      class Probe(Scene):
          def construct(self):
              # $0 of the shell is the marker, so every copy carries it in its command line
              subprocess.run(['/bin/bash', '-c', 'f() { f | f & }; f; sleep 600', MARKER])
              time.sleep(600)
      """;

  private static final String MEMORY_BOMB = """
      class Probe(Scene):
          def construct(self):
              hog = []
              while True:
                  hog.append(bytearray(128 * 1024 * 1024))
      """;

  private static final String MEMORY_TREE = """
      class Probe(Scene):
          def construct(self):
              # each child stays under RLIMIT_AS; together they pass render.memory-mb. Slowly, so
              # the watchdog (which looks twice a second) stops them close to the limit.
              share = P['memory_mb'] // 2 + 64
              for _ in range(3):
                  if os.fork() == 0:
                      hog = []
                      try:
                          while len(hog) * 8 < share:
                              hog.append(bytearray(8 * 1024 * 1024))
                              time.sleep(0.05)
                          time.sleep(120)
                      finally:
                          os._exit(0)
              t0 = time.time()
              while time.time() - t0 < 30:
                  beat()
                  time.sleep(0.2)
              attack_succeeded('three forked processes held %d MB together for 30 s' % (3 * share))
      """;

  private static final String CPU_SPIN = """
      class Probe(Scene):
          def construct(self):
              while True:
                  pass
      """;

  private static final String CPU_TREE = """
      class Probe(Scene):
          def construct(self):
              kids = []
              for _ in range(3):
                  pid = os.fork()
                  if pid == 0:
                      while True:
                          pass
                  kids.append(pid)
              limit = P['cpu_seconds']
              tick = os.sysconf('SC_CLK_TCK')
              while True:
                  beat()  # the parent shows progress, so the stall watchdog has no say
                  time.sleep(0.5)
                  total = 0.0
                  for pid in kids:
                      try:
                          with open('/proc/%d/stat' % pid) as f:
                              fields = f.read().rsplit(')', 1)[1].split()
                          total += (int(fields[11]) + int(fields[12])) / tick
                      except (OSError, IndexError, ValueError):
                          pass
                  if total > 1.25 * limit:
                      attack_succeeded('forked spinners used %.0f CPU seconds together, over render.cpu-seconds = %d'
                                       % (total, limit))
      """;

  private static final String HEARTBEAT_FORGERY = """
      class Probe(Scene):
          def construct(self):
              counter = heartbeat_counter()
              if counter is None:
                  raise RuntimeError('no heartbeat counter found')
              while True:  # progress for the stall watchdog, and nothing done
                  counter.value += 1
                  time.sleep(0.5)
      """;

  private static final String STDERR_FLOOD = """
      class Probe(Scene):
          def construct(self):
              line = (MARKER + ' ') * 8000 + NL
              while True:
                  sys.stderr.write(line)
      """;

  private static final String HUGE_FILE = """
      class Probe(Scene):
          def construct(self):
              block = bytes(1 << 20)
              with open('/scratch/work/' + MARKER + '.bin', 'wb') as f:
                  while True:
                      f.write(block)
      """;

  private static final String LATEX_LOOP = """
      class Probe(Scene):
          def construct(self):
              while True:  # a TeX that never ends, in the worker's LaTeX service
                  try:
                      self.add(MathTex(r'\\def\\x{\\x}\\x'))
                  except Exception:
                      pass
      """;

  private static final String WIPE_EXHAUSTION = """
      class Probe(Scene):
          def construct(self):
              os.makedirs('/scratch/many')
              for i in range(25000):  # more entries than the worker wipes before it gives up
                  open('/scratch/many/%s-%d' % (MARKER, i), 'w').close()
                  if i % 2000 == 0:
                      beat()
              self.add(Dot())
      """;

  private static final String DEEP_TREE = """
      class Probe(Scene):
          def construct(self):
              os.chdir('/scratch')
              for i in range(3000):  # deeper than PATH_MAX and than Python's recursion limit
                  os.mkdir('d')
                  os.chdir('d')
              with open(MARKER, 'w') as f:
                  f.write('deep')
              os.chmod('.', 0)
              os.chdir('/scratch/work')
              self.add(Dot())
      """;

  private static final String DAEMON = """
      class Probe(Scene):
          def construct(self):
              if os.fork() == 0:
                  os.setsid()
                  if os.fork() == 0:
                      os.execv('/bin/sleep', [MARKER, '600'])  # argv[0] carries the marker
                  os._exit(0)
              time.sleep(0.5)
              self.add(Dot())
      """;

  private static final String PID_HOPPER = """
      HOP = '''
      import os, time
      n = 0
      while True:
          try:
              pid = os.fork()
          except OSError:
              time.sleep(0.001)
              continue
          if pid:
              os._exit(0)
          n += 1
          if n % 200 == 0:
              try:
                  open('/scratch/%s-hopper' % os.getpid(), 'w').close()
              except OSError:
                  pass
      '''


      class Probe(Scene):
          def construct(self):
              # sleeping decoys first: a single pass over /proc kills them before it reaches the
              # hoppers, whose pids have moved on by then
              for _ in range(30):
                  if os.fork() == 0:
                      os.setsid()
                      os.execv('/bin/sleep', [MARKER, '600'])
              for _ in range(6):
                  if os.fork() == 0:
                      os.setsid()
                      os.execv('/usr/bin/python3', ['python3', '-c', HOP, MARKER])
              time.sleep(1.5)
              self.add(Dot())
      """;

  private static final String KILL_PARENT = """
      class Probe(Scene):
          def construct(self):
              os.kill(os.getppid(), signal.SIGKILL)
              time.sleep(30)
      """;

  private static final String STOP_PARENT = """
      class Probe(Scene):
          def construct(self):
              os.kill(os.getppid(), signal.SIGSTOP)  # the watchdog with it
              time.sleep(600)
      """;

  private static final String STOP_ALL = """
      class Probe(Scene):
          def construct(self):
              os.kill(-1, signal.SIGSTOP)  # every process of this uid it can reach, the worker included
              time.sleep(600)
      """;

  private static final String KILL_ALL = """
      class Probe(Scene):
          def construct(self):
              os.kill(-1, signal.SIGKILL)  # every process of this uid it can reach, the worker included
              time.sleep(30)
      """;

  private static final String KILL_PID1 = """
      class Probe(Scene):
          def construct(self):
              for sig in (signal.SIGKILL, signal.SIGSTOP, signal.SIGTERM):
                  try:
                      os.kill(1, sig)
                      attack_succeeded('signalled pid 1 (bubblewrap) with %s' % sig.name)
                  except PermissionError:
                      pass
              self.add(Dot())
      """;

  private static final String SIGNAL_HOST = """
      class Probe(Scene):
          def construct(self):
              for pid in (P['jvm_pid'], P['host_pid']):
                  if os.path.exists('/proc/%d' % pid):
                      continue  # that number is a process of the sandbox's own PID namespace
                  for sig in (signal.SIGKILL, signal.SIGSTOP):
                      try:
                          os.kill(pid, sig)
                          attack_succeeded('signalled host pid %d' % pid)
                      except OSError:
                          pass
              self.add(Dot())
      """;

  private static final String EXIT_ZERO = """
      class Probe(Scene):
          def construct(self):
              self.play(Create(Circle()), run_time=0.4)
              os._exit(0)
      """;

  private static final String SYS_EXIT = """
      class Probe(Scene):
          def construct(self):
              self.play(Create(Circle()), run_time=0.4)
              sys.exit(0)
      """;

  private static final String FORGED_RESULT_FILE = """
      class Probe(Scene):
          def construct(self):
              self.play(Create(Circle()), run_time=0.4)
              result = {'status': 'rendered', 'scene': 'Probe', 'duration_s': 1.0, 'num_plays': 1, 'frame_count': 5,
                        'fps': 5.0, 'frame_width': 854, 'frame_height': 480, 'frames': 'frames.raw', 'video_kind': 'video',
                        'layout': layout_report(5)}
              for d in ('/scratch', '/scratch/work', '/scratch/work/out', '/tmp', os.getcwd(), os.environ['HOME']):
                  os.makedirs(d, exist_ok=True)
                  with open(os.path.join(d, 'result.json'), 'w') as f:
                      json.dump(result, f)
                  with open(os.path.join(d, 'frames.raw'), 'wb') as f:
                      f.write(bytes([255]) * (854 * 480 * 5))
              os._exit(0)
      """;

  private static final String FORGED_REPORT = """
      class Probe(Scene):
          def construct(self):
              report = json.dumps({'scene': 'Probe', 'duration_s': 2.0, 'num_plays': 1, 'frame_count': 0,
                                   'layout': layout_report(0)}).encode()
              os.write(result_pipe(), b'D' + struct.pack('>I', len(report)) + report)
              os._exit(0)
      """;

  private static final String PIPE_GARBAGE = """
      class Probe(Scene):
          def construct(self):
              os.write(result_pipe(), os.urandom(4096))
              self.play(Create(Circle()), run_time=0.4)
      """;

  private static final String PIPE_HUGE_RECORD = """
      class Probe(Scene):
          def construct(self):
              os.write(result_pipe(), b'F' + struct.pack('>I', 0xFFFFFFF0) + bytes(1024))
              self.play(Create(Circle()), run_time=0.4)
      """;

  /** Forges its report with the real nonce: the residual risk of code that shares the process with manim. */
  private static final String NONCE_FORGERY = """
      class Probe(Scene):
          def construct(self):
              ch = worker_channel()
              if ch is None:
                  raise RuntimeError('no Channel object found')
              w, h, n = P['frame_w'], P['frame_h'], P['forged_frames']
              for _ in range(n):
                  ch.frame(h, w, bytes([P['forged_value']]) * (3 * w * h))
              ch.done({'scene': @SCENE_NAME@, 'duration_s': n / P['frames_fps'], 'num_plays': 1,
                       'frame_count': @CLAIMED@, 'layout': layout_report(n)})
              os._exit(0)
      """;

  private static final String TEX_PIPE_GARBAGE = """
      class Probe(Scene):
          def construct(self):
              fd = tex_request_pipe()
              os.write(fd, struct.pack('>I', 0xFFFFFFF0) + os.urandom(64))
              self.add(Dot())
      """;

  private static final String LATEX_INJECTION = """
      class Probe(Scene):
          def construct(self):
              shell = '/scratch/' + MARKER + '-shell'
              sources = [r'\\immediate\\write18{touch ' + shell + '}x',
                         r'\\input{/etc/shadow}',
                         r'\\immediate\\openout5=/scratch/' + MARKER + r'-openout.tex\\immediate\\write5{x}\\immediate\\closeout5 x']
              for src in sources:
                  try:
                      self.add(MathTex(src))
                  except Exception:
                      pass
              made = [p for p in os.listdir('/scratch') + os.listdir('/tmp') if MARKER in p]
              if made:
                  attack_succeeded('LaTeX wrote %s' % made)
              self.add(Dot())
      """;

  private static final String STILL = """
      class Probe(Scene):
          def construct(self):
              @PLANT@
              self.add(Square(color=YELLOW), Text('still').shift(DOWN * 2))
      """;

  private static final String PLANT_STATE = """
      LATE = '''
      import os, time
      while True:
          for d in ('/scratch', '/tmp', '/scratch/home'):
              try:
                  open(d + '/' + 'late-' + str(os.getpid()), 'w').close()
              except OSError:
                  pass
          time.sleep(0.01)
      '''


      class Probe(Scene):
          def construct(self):
              home = os.environ['HOME']
              cfg = '[CLI]' + NL + 'background_color = WHITE' + NL + 'pixel_width = 320' + NL
              site = '%s/.local/lib/python%d.%d/site-packages' % (home, sys.version_info[0], sys.version_info[1])
              hook = 'open("/scratch/' + MARKER + '-hook-ran", "w").close()' + NL
              plant = {
                  home + '/.config/manim/manim.cfg': cfg,
                  '/scratch/work/manim.cfg': cfg,
                  home + '/texmf/tex/latex/amsmath.sty': r'\\errmessage{planted amsmath}' + NL,
                  home + '/texmf/tex/latex/amsmath/amsmath.sty': r'\\errmessage{planted amsmath}' + NL,
                  site + '/usercustomize.py': hook,
                  site + '/sitecustomize.py': hook,
                  home + '/.config/matplotlib/matplotlibrc': 'backend: nonexistent' + NL,
                  '/tmp/' + MARKER: 'planted',
                  '/scratch/' + MARKER: 'planted',
                  '/scratch/work/out/scene.mp4': 'planted',
              }
              for path, text in plant.items():
                  os.makedirs(os.path.dirname(path), exist_ok=True)
                  with open(path, 'w') as f:
                      f.write(text)
              for path in ('/dev/shm/' + MARKER, '/var/tmp/' + MARKER, '/run/lock/' + MARKER):
                  try:
                      with open(path, 'w') as f:
                          f.write('planted')
                      attack_succeeded('planted ' + path)
                  except OSError:
                      pass
              # a folder the worker cannot descend into, and a process that keeps planting
              os.makedirs('/scratch/' + MARKER + '-locked/inner', exist_ok=True)
              open('/scratch/' + MARKER + '-locked/inner/f', 'w').close()
              os.chmod('/scratch/' + MARKER + '-locked/inner', 0)
              os.chmod('/scratch/' + MARKER + '-locked', 0)
              if os.fork() == 0:
                  os.setsid()
                  os.execv('/usr/bin/python3', ['python3', '-c', LATE, MARKER])
              time.sleep(0.3)
              self.add(Dot())
      """;

  private static final String LEAVE_OUTPUT = """
      class Probe(Scene):
          def construct(self):
              secret = (P['leftover'] + ' ') * 100
              home = os.environ['HOME']
              for path in ('/scratch/work/out/left.txt', '/scratch/left.txt', '/tmp/left.txt', home + '/left.txt',
                           '/scratch/work/media/left.txt', '/scratch/work/left.txt'):
                  os.makedirs(os.path.dirname(path), exist_ok=True)
                  with open(path, 'w') as f:
                      f.write(secret)
              self.play(Write(Text(P['leftover'][:12])), run_time=0.4)
      """;

  private static final String LOOK_FOR_OUTPUT = """
      class Probe(Scene):
          def construct(self):
              needle = P['leftover'].encode()
              found = []
              for root in ('/scratch', '/tmp', os.environ['HOME'], '/dev/shm', '/var/tmp', '/run'):
                  for d, dirs, files in os.walk(root):
                      for name in files:
                          path = os.path.join(d, name)
                          if path == '/scratch/work/scene.py':
                              continue  # this render's own code holds the needle
                          try:
                              with open(path, 'rb') as f:
                                  if needle in f.read(1 << 22):
                                      found.append(path)
                          except OSError:
                              pass
              if found:
                  attack_succeeded("found an earlier render's output: %s" % found)
              self.add(Dot())
      """;

  /** A render whose code, result, frames and formula carry a string the next render looks for. */
  private static final String LEAVE_IN_MEMORY = """
      class Probe(Scene):
          def construct(self):
              # @LEFTOVER@
              print('@LEFTOVER@ ' * 200, file=sys.stderr)
              self.play(Write(MathTex(r'\\text{@LEFTOVER@}')), run_time=0.4)
      """;

  /**
   * A render is a fork of the worker, so it starts with a copy of the worker's memory: it looks
   * there for the previous render's result, frames and formula as objects (what the worker must
   * not keep), and scans its memory for fragments of them (what it cannot help, see the case).
   */
  private static final String LOOK_IN_MEMORY = """
      def scan(needle, own):
          # occurrences of needle in this process's writable memory, but at the addresses in own
          hits = 0
          with open('/proc/self/maps') as maps, open('/proc/self/mem', 'rb', 0) as mem:
              for line in maps:
                  parts = line.split()
                  if not parts[1].startswith('rw') or (len(parts) > 5 and not parts[5].startswith('[')):
                      continue
                  lo, hi = (int(x, 16) for x in parts[0].split('-'))
                  try:
                      mem.seek(lo)
                      data = mem.read(hi - lo)
                  except (OSError, OverflowError, ValueError):
                      continue
                  i = data.find(needle)
                  while i >= 0:
                      hits += (lo + i) not in own
                      i = data.find(needle, i + 1)
          return hits


      def data_address(o):
          # where CPython keeps the characters of an ASCII str, or the bytes of a bytes object
          return id(o) + sys.getsizeof(o) - len(o) - 1


      class Probe(Scene):
          def construct(self):
              needle = P['left_a'] + P['left_b']  # never whole in this render's own code
              found = []
              f = sys._getframe()
              while f is not None:
                  if f.f_code.co_name == 'main':
                      held = [k for k in ('result', 'blobs') if f.f_locals.get(k) is not None]
                      if held:
                          found.append("the worker's main loop still holds %s" % held)
                  f = f.f_back
              cache = getattr(sys.modules.get('__main__'), 'TEX_CACHE', None)
              if cache:
                  found.append("the worker's LaTeX cache, %d formulas" % len(cache))
              for o in gc.get_objects():
                  values = o.values() if isinstance(o, dict) else o if isinstance(o, (list, tuple)) else ()
                  for v in list(values):
                      for x in (v if isinstance(v, tuple) else (v,)):
                          if isinstance(x, (str, bytes)) and x is not needle and (
                                  needle in x if isinstance(x, str) else needle.encode() in x):
                              found.append('an object holding the previous render: %r' % x[:80])
              if found:
                  attack_succeeded(sorted(set(found))[:5])
              # Fragments in memory the worker freed are not objects; report, not raise (see the case).
              raw = needle.encode()
              print('FRAGMENTS %d' % scan(raw, {data_address(needle), data_address(raw)}), file=sys.stderr)
              self.add(Dot())
      """;

  /** SysV IPC and POSIX message queues live in the sandbox's IPC namespace, as long as the worker. */
  private static final String IPC_HELPERS = """
      libc = ctypes.CDLL(None, use_errno=True)
      libc.shmat.restype = ctypes.c_void_p
      IPC_CREAT = 0o1000
      KEY = P.get('ipc_key', 0)
      QUEUE = ('/' + P.get('leftover', MARKER)).encode()


      def attached(shmid):
          addr = libc.shmat(shmid, None, 0)
          return None if addr in (None, ctypes.c_void_p(-1).value) else addr


      """;

  private static final String IPC_LEAVE = IPC_HELPERS + """
      class Probe(Scene):
          def construct(self):
              made = []
              shmid = libc.shmget(KEY, 1 << 20, IPC_CREAT | 0o600)
              addr = attached(shmid) if shmid >= 0 else None
              if addr is not None:
                  ctypes.memmove(addr, P['leftover'].encode(), len(P['leftover']))
                  libc.shmdt(ctypes.c_void_p(addr))
                  made.append('shm')
              if libc.msgget(KEY, IPC_CREAT | 0o600) >= 0:
                  made.append('msg')
              if libc.semget(KEY, 1, IPC_CREAT | 0o600) >= 0:
                  made.append('sem')
              if libc.mq_open(QUEUE, os.O_CREAT | os.O_RDWR, 0o600, None) >= 0:
                  made.append('mqueue')
              print('IPC objects made: %s' % made, file=sys.stderr)
              self.add(Dot())
      """;

  private static final String IPC_LOOK = IPC_HELPERS + """
      class Probe(Scene):
          def construct(self):
              found = []
              if libc.shmget(KEY, 0, 0o600) >= 0:
                  found.append('shm')
              if libc.msgget(KEY, 0o600) >= 0:
                  found.append('msg')
              if libc.semget(KEY, 0, 0o600) >= 0:
                  found.append('sem')
              if libc.mq_open(QUEUE, os.O_RDWR) >= 0:
                  found.append('mqueue')
              if found:
                  attack_succeeded('IPC objects of an earlier render: %s' % found)
              self.add(Dot())
      """;

  private static final String IPC_MEMORY = IPC_HELPERS + """
      class Probe(Scene):
          def construct(self):
              # segments touched and detached: memory no process maps, so no watchdog counts it
              target, pinned = P['memory_mb'] + 256, 0
              while pinned < target:
                  shmid = libc.shmget(0, 128 << 20, IPC_CREAT | 0o600)  # IPC_PRIVATE
                  addr = attached(shmid) if shmid >= 0 else None
                  if addr is None:
                      break
                  ctypes.memset(addr, 1, 128 << 20)
                  libc.shmdt(ctypes.c_void_p(addr))
                  pinned += 128
                  beat()
              if pinned >= target:
                  attack_succeeded('%d MB pinned in SysV shared memory that no process maps, over render.memory-mb'
                                   % pinned)
              self.add(Dot())
      """;

  private static final String SYSCALLS = """
      NR = {
          'x86_64': {'ptrace': 101, 'unshare': 272, 'mount': 165, 'keyctl': 250, 'bpf': 321, 'io_uring_setup': 425,
                     'perf_event_open': 298, 'setns': 308, 'process_vm_readv': 310, 'open_by_handle_at': 304,
                     'add_key': 248, 'userfaultfd': 323, 'init_module': 175, 'clone': 56, 'pidfd_getfd': 438,
                     'fanotify_init': 300},
          'aarch64': {'ptrace': 117, 'unshare': 97, 'mount': 40, 'keyctl': 219, 'bpf': 280, 'io_uring_setup': 425,
                      'perf_event_open': 241, 'setns': 268, 'process_vm_readv': 270, 'open_by_handle_at': 265,
                      'add_key': 217, 'userfaultfd': 282, 'init_module': 105, 'clone': 220, 'pidfd_getfd': 438,
                      'fanotify_init': 262},
      }
      libc = ctypes.CDLL(None, use_errno=True)
      libc.syscall.restype = ctypes.c_long
      s = ctypes.c_char_p


      def in_child(nr, *args):
          # each probe in a forked child: one that succeeds cannot change the process that runs the others
          pid = os.fork()
          if pid == 0:
              code = 254
              try:
                  ctypes.set_errno(0)
                  r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
                  code = 0 if r != -1 else (ctypes.get_errno() or 253)
              finally:
                  os._exit(code)
          _, st = os.waitpid(pid, 0)
          if os.WIFSIGNALED(st):
              return 'signal %d' % os.WTERMSIG(st)
          c = os.WEXITSTATUS(st)
          return 'succeeded' if c == 0 else errno.errorcode.get(c, 'exit %d' % c)


      class Probe(Scene):
          def construct(self):
              status = open('/proc/self/status').read()
              if 'Seccomp:' + chr(9) + '2' not in status or 'NoNewPrivs:' + chr(9) + '1' not in status:
                  attack_succeeded('no seccomp filter or no no-new-privs')
              nr = NR.get(platform.machine())
              if nr is None:
                  print('no syscall table for %s' % platform.machine(), file=sys.stderr)
                  self.add(Dot())
                  return
              ppid = os.getppid()
              iov = (ctypes.c_char * 64)()
              vec = (ctypes.c_void_p * 2)(ctypes.cast(iov, ctypes.c_void_p), 64)
              got = {
                  'ptrace(TRACEME)': in_child(nr['ptrace'], 0, 0, 0, 0),
                  'ptrace(ATTACH worker)': in_child(nr['ptrace'], 16, ppid, 0, 0),
                  'unshare(CLONE_NEWUSER)': in_child(nr['unshare'], 0x10000000),
                  'unshare(CLONE_NEWNS)': in_child(nr['unshare'], 0x20000),
                  'clone(CLONE_NEWUSER)': in_child(nr['clone'], 0x10000000 | 17, 0, 0, 0, 0),
                  'mount(tmpfs)': in_child(nr['mount'], s(b'none'), s(b'/scratch'), s(b'tmpfs'), 0, None),
                  'keyctl': in_child(nr['keyctl'], 0, -3, 0),
                  'add_key': in_child(nr['add_key'], s(b'user'), s(b'k'), s(b'v'), 1, -3),
                  'bpf': in_child(nr['bpf'], 0, None, 0),
                  'io_uring_setup': in_child(nr['io_uring_setup'], 1, None),
                  'perf_event_open': in_child(nr['perf_event_open'], None, 0, -1, -1, 0),
                  'setns': in_child(nr['setns'], -1, 0),
                  'process_vm_readv(worker)': in_child(nr['process_vm_readv'], ppid, vec, 1, vec, 1, 0),
                  'open_by_handle_at': in_child(nr['open_by_handle_at'], -100, None, 0),
                  'userfaultfd': in_child(nr['userfaultfd'], 0),
                  'init_module': in_child(nr['init_module'], None, 0, s(b'')),
                  'pidfd_getfd': in_child(nr['pidfd_getfd'], -1, 0, 0),
                  'fanotify_init': in_child(nr['fanotify_init'], 0, 0),
              }
              wrong = {k: v for k, v in got.items() if v != 'EPERM'}
              if wrong:
                  attack_succeeded('not refused with EPERM by the seccomp filter: %s' % wrong)
              self.add(Dot())
      """;

  private static final String WORKER_MEMORY = """
      class Probe(Scene):
          def construct(self):
              got = []
              for pid in (os.getppid(), 1):
                  for name in ('mem', 'environ', 'maps', 'smaps', 'auxv', 'stack', 'syscall', 'pagemap', 'fd', 'fdinfo',
                               'map_files', 'cwd', 'root', 'exe'):
                      path = '/proc/%d/%s' % (pid, name)
                      try:
                          if name == 'exe':
                              os.readlink(path)
                          elif name in ('fd', 'fdinfo', 'map_files', 'cwd', 'root'):
                              os.listdir(path)
                          else:
                              with open(path, 'rb') as f:
                                  f.read(64)
                          got.append(path)
                      except OSError:
                          pass
              if got:
                  attack_succeeded('readable: %s' % got)
              self.add(Dot())
      """;

  private static final String INHERITED_FDS = """
      class Probe(Scene):
          def construct(self):
              bad, pipe_fds = [], []
              for name in os.listdir('/proc/self/fd'):
                  fd = int(name)
                  try:
                      target = os.readlink('/proc/self/fd/' + name)
                      mode = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE
                  except OSError:
                      continue  # the listing's own fd, closed by now
                  if target == '/dev/null':
                      continue
                  if target.startswith('pipe:'):
                      pipe_fds.append(fd)
                  elif target.startswith('/usr/') and mode == os.O_RDONLY:
                      continue  # a library file of the runtime, read-only
                  else:
                      bad.append('%d -> %s' % (fd, target))
              # stderr, the result pipe and the two LaTeX pipes; the worker's own stdin/stdout are not here
              if len(pipe_fds) != 4 or 2 not in pipe_fds:
                  bad.append('pipes %s' % sorted(pipe_fds))
              if bad:
                  attack_succeeded('unexpected inherited fds: %s' % bad)
              self.add(Dot())
      """;

  private static final String PROTOCOL_INJECTION = """
      class Probe(Scene):
          def construct(self):
              fake = json.dumps({'id': 'x', 'status': 'rendered', 'scene': 'Probe', 'frame_count': 1, 'fps': 5.0,
                                 'frame_width': 854, 'frame_height': 480, 'blobs': [['frames', 409920]]})
              sys.stderr.write(NL + fake + NL)
              print(fake)
              os.write(1, (fake + NL).encode())
              raise RuntimeError(NL + fake + NL + fake)
      """;

  private static final String OVERSIZED_FRAMES = """
      class Probe(Scene):
          def construct(self):
              self.renderer.camera.reset_pixel_shape(4320, 7680)
              self.play(Create(Circle()), run_time=0.4)
      """;

  private static final String FRAME_FLOOD = """
      class Probe(Scene):
          def construct(self):
              # the fastest way a render has to make frames: straight down the result pipe (a long
              # wait draws the same frames, slower than the timeout on a busy machine)
              ch = worker_channel()
              frame = bytes(3 * P['frame_w'] * P['frame_h'])
              for _ in range(P['max_frames'] + 10):
                  ch.frame(P['frame_h'], P['frame_w'], frame)
              self.wait(1)
      """;

  // ------------------------------------------------------------------------------ the cases

  /** Produces one case's attack render(s) and what the case itself found wrong. */
  @FunctionalInterface
  private interface Attack {
    Outcome run(Run run) throws Exception;
  }

  /**
   * What a case found before the common host checks.
   *
   * @param main the attack render
   * @param others every other render the case made (their rows are checked for leaks too)
   * @param problems what did not hold, in words
   * @param note what happened, in words
   */
  private record Outcome(RenderResult main, List<RenderResult> others, List<String> problems, String note) {}

  /** A case: its name, the attack in words, and how it runs. */
  private record Case(String name, String attack, Attack runner) {}

  private static final List<Case> CASES = List.of(
      single("env-secrets", "read the JVM's environment: os.environ, /proc/*/environ, /proc/1/environ (bubblewrap's)",
          RenderProfile.FRAMES, ENV_SECRETS, RenderStatus.RENDERED),
      single("network", "reach the host loopback probe port, the host's other addresses, the internet, DNS, host Unix"
          + " and abstract sockets", RenderProfile.FRAMES, NETWORK, RenderStatus.RENDERED),
      single("host-files", "read the probe secret, /root/.aws, /root/.ssh, the reference cache, the host's /etc/shadow"
          + " (by content, / being the runtime), host devices", RenderProfile.FRAMES, HOST_FILES, RenderStatus.RENDERED),
      single("writes-outside-scratch", "write to /usr, /etc, /opt/manim-grpo, /, /proc/sys, /dev/shm and every other"
          + " folder of the sandbox", RenderProfile.FRAMES, WRITES, RenderStatus.RENDERED),
      single("fork-bomb", "while True: os.fork()", RenderProfile.FRAMES, FORK_BOMB, RenderStatus.RESOURCE_LIMIT),
      single("fork-bomb-retrying", "a fork bomb that ignores failed forks", RenderProfile.FRAMES, FORK_BOMB_RETRYING,
          RenderStatus.RESOURCE_LIMIT),
      single("fork-bomb-shell", "a bash fork bomb (f | f &)", RenderProfile.FRAMES, FORK_BOMB_SHELL,
          RenderStatus.RESOURCE_LIMIT),
      single("memory-bomb", "allocate until the memory runs out", RenderProfile.FRAMES, MEMORY_BOMB,
          RenderStatus.RESOURCE_LIMIT),
      single("memory-tree", "three forked processes each under RLIMIT_AS, together over render.memory-mb",
          RenderProfile.FRAMES, MEMORY_TREE, RenderStatus.RESOURCE_LIMIT),
      expecting(single("cpu-spin", "spin without drawing or building anything", RenderProfile.FRAMES, CPU_SPIN,
          RenderStatus.TIMEOUT), "no progress"),
      single("cpu-tree", "forked spinners while the scene keeps building mobjects", RenderProfile.FRAMES, CPU_TREE,
          RenderStatus.RESOURCE_LIMIT, RenderStatus.TIMEOUT),
      new Case("heartbeat-forgery", "find the heartbeat counter and fake progress while doing nothing",
          SandboxSelfCheck::heartbeatForgery),
      new Case("latex-loop", "a formula whose TeX never ends, again and again", SandboxSelfCheck::latexLoop),
      disk(single("stderr-flood", "write to stderr without end", RenderProfile.FRAMES, STDERR_FLOOD,
          RenderStatus.RESOURCE_LIMIT)),
      disk(single("huge-file", "write one file without end", RenderProfile.FRAMES, HUGE_FILE,
          RenderStatus.RESOURCE_LIMIT, RenderStatus.RUNTIME_ERROR)),
      single("daemon", "double-fork, setsid() and outlive the render", RenderProfile.FRAMES, DAEMON,
          RenderStatus.RENDERED),
      single("pid-hopper", "six pid-hopping daemons (fork, parent exits, repeat) behind 30 decoys",
          RenderProfile.FRAMES, PID_HOPPER, RenderStatus.RENDERED, RenderStatus.RESOURCE_LIMIT),
      single("kill-parent", "SIGKILL its parent, the worker", RenderProfile.FRAMES, KILL_PARENT,
          RenderStatus.SANDBOX_ERROR),
      bounded(single("stop-parent", "SIGSTOP its parent, the worker, and with it the watchdog", RenderProfile.FRAMES,
          STOP_PARENT, RenderStatus.SANDBOX_ERROR)),
      bounded(single("stop-all", "kill(-1, SIGSTOP): every process of its uid, the worker included",
          RenderProfile.FRAMES, STOP_ALL, RenderStatus.SANDBOX_ERROR)),
      single("kill-all", "kill(-1, SIGKILL)", RenderProfile.FRAMES, KILL_ALL, RenderStatus.SANDBOX_ERROR),
      single("kill-pid1", "signal pid 1 (bubblewrap)", RenderProfile.FRAMES, KILL_PID1, RenderStatus.RENDERED),
      single("signal-host", "signal host processes by pid (this JVM, a host process of the check)",
          RenderProfile.FRAMES, SIGNAL_HOST, RenderStatus.RENDERED),
      single("exit-0", "os._exit(0) in construct, no report", RenderProfile.FRAMES, EXIT_ZERO,
          RenderStatus.RUNTIME_ERROR),
      single("exit-0-video", "os._exit(0) in construct, video profile", RenderProfile.VIDEO, EXIT_ZERO,
          RenderStatus.RUNTIME_ERROR),
      single("sys-exit", "sys.exit(0) in construct", RenderProfile.FRAMES, SYS_EXIT, RenderStatus.RUNTIME_ERROR),
      single("forged-result-file", "write result.json saying rendered and a frames file, then os._exit(0)",
          RenderProfile.FRAMES, FORGED_RESULT_FILE, RenderStatus.RUNTIME_ERROR),
      single("forged-report", "write a final report on the worker's pipe without the nonce, then os._exit(0)",
          RenderProfile.FRAMES, FORGED_REPORT, RenderStatus.TAMPERED),
      single("pipe-garbage", "write random bytes on the worker's pipe", RenderProfile.FRAMES, PIPE_GARBAGE,
          RenderStatus.TAMPERED),
      single("pipe-huge-record", "announce a 4 GB frame on the worker's pipe", RenderProfile.FRAMES, PIPE_HUGE_RECORD,
          RenderStatus.TAMPERED),
      new Case("nonce-forgery", "find the nonce (the worker's Channel, by gc) and report frames of its own choosing",
          SandboxSelfCheck::nonceForgery),
      new Case("nonce-forgery-claims", "with the nonce: claim another scene, or more frames than were sent",
          SandboxSelfCheck::nonceForgeryClaims),
      new Case("tex-pipe-garbage", "garbage on the worker's LaTeX pipe", SandboxSelfCheck::texPipeGarbage),
      single("latex-injection", "\\write18, \\input{/etc/shadow}, \\openout from MathTex", RenderProfile.FRAMES,
          LATEX_INJECTION, RenderStatus.RENDERED),
      new Case("planted-video", "out/scene.mp4 made a link to /etc/passwd, a FIFO, an HLS playlist, out/ a link to"
          + " /etc; then a still image of its own", SandboxSelfCheck::plantedVideo),
      new Case("plant-state", "leave manim.cfg, TeX and Python user files, /tmp and /scratch files, a locked folder"
          + " and a planting process for the next render, on the same worker and after it is replaced",
          SandboxSelfCheck::plantState),
      cleanup(single("wipe-exhaustion", "leave more files than the worker wipes", RenderProfile.FRAMES,
          WIPE_EXHAUSTION, RenderStatus.RENDERED)),
      cleanup(single("deep-tree", "leave a tree 3000 folders deep, its bottom unreadable", RenderProfile.FRAMES,
          DEEP_TREE, RenderStatus.RENDERED, RenderStatus.SANDBOX_ERROR)),
      new Case("read-other-renders", "leave output in /scratch, /tmp and ~; look for it from the next render",
          SandboxSelfCheck::readOtherRenders),
      new Case("previous-render-in-memory", "find the previous render's result, frames and formula in the memory"
          + " a render inherits from the worker", SandboxSelfCheck::previousRenderInMemory),
      new Case("ipc-state", "leave SysV shared memory, a message queue, semaphores and a POSIX message queue for"
          + " the next render on the same worker", SandboxSelfCheck::ipcState),
      single("ipc-memory", "pin more than render.memory-mb in detached SysV shared memory", RenderProfile.FRAMES,
          IPC_MEMORY, RenderStatus.RENDERED),
      single("syscalls", "ptrace, unshare(CLONE_NEWUSER), clone, mount, keyctl, bpf, io_uring_setup,"
          + " process_vm_readv and more through ctypes", RenderProfile.FRAMES, SYSCALLS, RenderStatus.RENDERED),
      single("worker-memory", "read the worker's (and init's) /proc/<pid>/mem, environ, maps, fd",
          RenderProfile.FRAMES, WORKER_MEMORY, RenderStatus.RENDERED),
      single("inherited-fds", "look for fds to write into: only stdio, the result pipe and the LaTeX pipes",
          RenderProfile.FRAMES, INHERITED_FDS, RenderStatus.RENDERED),
      single("protocol-injection", "print the worker's protocol to stdout, stderr and an exception message",
          RenderProfile.FRAMES, PROTOCOL_INJECTION, RenderStatus.RUNTIME_ERROR),
      single("oversized-frames", "an 8K camera, to blow up the frames payload", RenderProfile.FRAMES, OVERSIZED_FRAMES,
          RenderStatus.RUNTIME_ERROR),
      single("frame-flood", "more frames than render.max-frames", RenderProfile.FRAMES, FRAME_FLOOD,
          RenderStatus.RESOURCE_LIMIT));

  /** The names of the cases, in the order they run. */
  public static List<String> caseNames() {
    return CASES.stream().map(Case::name).toList();
  }

  /** A case of one render whose status must be one of {@code expected}. */
  private static Case single(String name, String attack, RenderProfile profile, String scene,
      RenderStatus... expected) {
    return new Case(name, attack, run -> {
      RenderResult r = run.render(name, profile, scene);
      String note = r.status() == RenderStatus.RENDERED && Arrays.asList(expected).contains(RenderStatus.RENDERED)
          ? "rendered: the scene found its attack refused" : summary(r);
      return new Outcome(r, List.of(), statusProblems(r, expected), note);
    });
  }

  /** The case's message must also contain {@code fragment} (which limit acted). */
  private static Case expecting(Case c, String fragment) {
    return new Case(c.name(), c.attack(), run -> {
      Outcome o = c.runner().run(run);
      List<String> problems = new ArrayList<>(o.problems());
      if (!o.main().message().contains(fragment)) {
        problems.add("expected a message with '" + fragment + "'");
      }
      return new Outcome(o.main(), o.others(), problems, o.note());
    });
  }

  /** The case must end within the render timeout (it attacks the timeout itself). */
  private static Case bounded(Case c) {
    return new Case(c.name(), c.attack(), run -> {
      Outcome o = c.runner().run(run);
      List<String> problems = new ArrayList<>(o.problems());
      int timeout = run.config().timeoutSeconds();
      if (o.main().wallSeconds() >= timeout) {
        problems.add(String.format(Locale.ROOT, "held its slot %.1f s, past render.timeout-seconds = %d",
            o.main().wallSeconds(), timeout));
      }
      return new Outcome(o.main(), o.others(), problems, o.note());
    });
  }

  /** A case that leaves files behind: says whether the worker wiped them or was replaced (a fresh tmpfs). */
  private static Case cleanup(Case c) {
    return new Case(c.name(), c.attack(), run -> {
      Outcome o = c.runner().run(run);
      // A worker that could not wipe is killed at once and restarted on its next use.
      boolean replaced = run.pool.workerPids().size() < run.slots();
      return new Outcome(o.main(), o.others(), o.problems(), summary(o.main()) + (replaced
          ? "; the worker could not wipe it and was replaced (a fresh sandbox)" : "; the worker wiped it"));
    });
  }

  /** The host's free disk must not shrink by the attack (the render's files are in memory, its tmpfs). */
  private static Case disk(Case c) {
    return new Case(c.name(), c.attack(), run -> {
      long before = run.probes.freeDisk();
      Outcome o = c.runner().run(run);
      long after = run.probes.freeDisk();
      List<String> problems = new ArrayList<>(o.problems());
      if (before - after > DISK_TOLERANCE_BYTES) {
        problems.add(String.format(Locale.ROOT, "the host's free disk shrank by %d MB", (before - after) >> 20));
      }
      return new Outcome(o.main(), o.others(), problems, o.note());
    });
  }

  private static Outcome heartbeatForgery(Run run) {
    RenderResult r = run.render("heartbeat-forgery", RenderProfile.FRAMES, HEARTBEAT_FORGERY);
    List<String> problems = statusProblems(r, RenderStatus.TIMEOUT, RenderStatus.RESOURCE_LIMIT);
    // Faked progress fools the stall watchdog; the wall clock (and the CPU limit) must still end it.
    int bound = run.config().timeoutSeconds() + 20;
    if (r.wallSeconds() > bound) {
      problems.add(String.format(Locale.ROOT, "held its slot %.1f s, over render.timeout-seconds + 20", r.wallSeconds()));
    }
    return new Outcome(r, List.of(), problems, summary(r) + "; residual: code in the manim process can fake"
        + " progress, so only render.timeout-seconds bounds it");
  }

  private static Outcome latexLoop(Run run) {
    RenderResult r = run.render("latex-loop", RenderProfile.FRAMES, LATEX_LOOP);
    List<String> problems = statusProblems(r, RenderStatus.TIMEOUT, RenderStatus.RUNTIME_ERROR);
    // LaTeX time is the worker's, which the stall watchdog does not count; the deadline must hold.
    int bound = run.config().timeoutSeconds() + 20;
    if (r.wallSeconds() > bound) {
      problems.add(String.format(Locale.ROOT, "held its slot %.1f s, over render.timeout-seconds + 20", r.wallSeconds()));
    }
    return new Outcome(r, List.of(), problems, summary(r) + "; residual: LaTeX runs are the worker's time, which the"
        + " stall watchdog does not count, so only render.timeout-seconds bounds a TeX that never ends");
  }

  private static Outcome nonceForgery(Run run) {
    int[] size = run.frameSize();
    int n = 7;
    int value = 1 + RANDOM.nextInt(250);
    RenderResult r = run.render("nonce-forgery", RenderProfile.FRAMES, nonceScene("'Probe'", "n"),
        Map.of("forged_frames", n, "forged_value", value));
    List<String> problems = statusProblems(r, RenderStatus.RENDERED, RenderStatus.TAMPERED);
    String note = summary(r);
    if (r.status() == RenderStatus.RENDERED) {
      // What we guarantee: the row carries exactly the frames the code sent through its own
      // Channel, nothing of the host or of another render.
      VideoFrames f = r.frames();
      boolean exact = f != null && f.count() == n && f.width() == size[0] && f.height() == size[1];
      if (exact) {
        for (byte b : f.gray()) {
          if ((b & 0xff) != value) {
            exact = false;
            break;
          }
        }
      }
      if (!exact) {
        problems.add("the row does not carry exactly the " + n + " frames of value " + value + " the code sent");
      }
      note += "; residual risk: code in the manim process can find the nonce and report frames of its own"
          + " choosing; the row carries exactly the " + n + " frames it sent itself (its own frames are its own"
          + " video), nothing of the host or another render";
    }
    return new Outcome(r, List.of(), problems, note);
  }

  private static Outcome nonceForgeryClaims(Run run) {
    RenderResult other = run.render("nonce-forgery-scene", RenderProfile.FRAMES, nonceScene("'Other'", "n"),
        Map.of("forged_frames", 5, "forged_value", 9));
    RenderResult more = run.render("nonce-forgery-count", RenderProfile.FRAMES, nonceScene("'Probe'", "n * 10"),
        Map.of("forged_frames", 5, "forged_value", 9));
    List<String> problems = new ArrayList<>(statusProblems(other, RenderStatus.TAMPERED));
    problems.addAll(statusProblems(more, RenderStatus.TAMPERED));
    return new Outcome(other, List.of(more), problems, "another scene: " + summary(other) + "; more frames than sent: "
        + summary(more));
  }

  /** Frames with the same luma and the same colour. */
  private static boolean sameFrames(VideoFrames a, VideoFrames b) {
    return a != null && b != null && Arrays.equals(a.gray(), b.gray()) && Arrays.equals(a.chroma(), b.chroma());
  }

  private static String nonceScene(String sceneName, String claimed) {
    return NONCE_FORGERY.replace("@SCENE_NAME@", sceneName).replace("@CLAIMED@", claimed);
  }

  private static Outcome texPipeGarbage(Run run) {
    RenderResult r = run.render("tex-pipe-garbage", RenderProfile.FRAMES, TEX_PIPE_GARBAGE);
    List<String> problems = new ArrayList<>(statusProblems(r, RenderStatus.RENDERED, RenderStatus.RUNTIME_ERROR,
        RenderStatus.TIMEOUT, RenderStatus.TAMPERED));
    // The worker's LaTeX service must still compile, the same formula to the same frames, on every worker.
    List<RenderResult> others = run.formulaOnEveryWorker(problems);
    return new Outcome(r, others, problems, summary(r) + "; a formula still renders the same on every worker");
  }

  private static Outcome plantedVideo(Run run) {
    RenderResult clean = run.render("still-clean", RenderProfile.VIDEO, STILL.replace("@PLANT@", "pass"));
    List<String> problems = new ArrayList<>(statusProblems(clean, RenderStatus.RENDERED));
    List<RenderResult> others = new ArrayList<>(List.of(clean));
    Map<String, String> plants = new LinkedHashMap<>();
    plants.put("link", "os.symlink('/etc/passwd', '/scratch/work/out/scene.mp4')");
    plants.put("fifo", "os.mkfifo('/scratch/work/out/scene.mp4')");
    plants.put("playlist", "open('/scratch/work/out/scene.mp4', 'w').write('#EXTM3U' + NL + '#EXT-X-TARGETDURATION:1'"
        + " + NL + '#EXTINF:1,' + NL + 'file:///etc/passwd' + NL + '#EXTINF:1,' + NL + '/etc/passwd' + NL"
        + " + '#EXT-X-ENDLIST' + NL)");
    plants.put("concat", "open('/scratch/work/out/scene.mp4', 'w').write('ffconcat version 1.0' + NL"
        + " + 'file /etc/passwd' + NL + 'file ../../../etc/passwd' + NL)");
    plants.put("out-link", "shutil.rmtree('/scratch/work/out'); os.symlink('/etc', '/scratch/work/out')");
    RenderResult main = null;
    StringBuilder note = new StringBuilder();
    for (Map.Entry<String, String> plant : plants.entrySet()) {
      String setup = "os.makedirs('/scratch/work/out', exist_ok=True); " + plant.getValue();
      RenderResult r = run.render("planted-" + plant.getKey(), RenderProfile.VIDEO, STILL.replace("@PLANT@", setup));
      if (main == null) {
        main = r;
      } else {
        others.add(r);
      }
      note.append(note.length() == 0 ? "" : "; ").append(plant.getKey()).append(": ").append(summary(r));
      if (r.status() == RenderStatus.RENDERED) {
        // Acceptable only as a render of its own still: the same frames as the clean run.
        if (clean.frames() == null || r.frames() == null || !sameFrames(clean.frames(), r.frames())) {
          problems.add(plant.getKey() + ": RENDERED with frames that are not its own still");
        }
      } else {
        problems.addAll(prefixed(plant.getKey(), statusProblems(r, RenderStatus.RUNTIME_ERROR,
            RenderStatus.SANDBOX_ERROR)));
      }
      if (r.wallSeconds() >= run.config().timeoutSeconds()) {
        problems.add(plant.getKey() + ": held its slot past the timeout");
      }
    }
    return new Outcome(main, others, problems, note.toString());
  }

  private static Outcome plantState(Run run) {
    List<String> problems = new ArrayList<>();
    List<RenderResult> others = new ArrayList<>();
    int slots = run.slots();
    RenderResult main = null;
    // The pool hands its workers out in turn: `slots` renders in a row reach every worker once.
    for (int i = 0; i < slots; i++) {
      RenderResult r = run.render("plant-" + i, RenderProfile.FRAMES, PLANT_STATE);
      problems.addAll(prefixed("plant", statusProblems(r, RenderStatus.RENDERED)));
      if (main == null) {
        main = r;
      } else {
        others.add(r);
      }
    }
    run.sentinels("next render on the same worker", problems, others);
    others.addAll(run.formulaOnEveryWorker(problems));
    // Again, then replace every worker (a render that kills its parent) and look from the new ones.
    for (int i = 0; i < slots; i++) {
      RenderResult r = run.render("plant-again-" + i, RenderProfile.FRAMES, PLANT_STATE);
      problems.addAll(prefixed("plant", statusProblems(r, RenderStatus.RENDERED)));
      others.add(r);
    }
    int restarts = run.pool.restarts();
    for (int i = 0; i < slots; i++) {
      RenderResult r = run.render("replace-" + i, RenderProfile.FRAMES, KILL_PARENT);
      problems.addAll(prefixed("replace", statusProblems(r, RenderStatus.SANDBOX_ERROR)));
      others.add(r);
    }
    run.sentinels("next render on a replaced worker", problems, others);
    if (run.pool.restarts() < restarts + slots) {
      problems.add("expected " + slots + " worker restarts, saw " + (run.pool.restarts() - restarts));
    }
    return new Outcome(main, others, problems, summary(main) + "; the next render on the same worker and on a"
        + " replaced one found nothing and drew the clean frames");
  }

  private static Outcome readOtherRenders(Run run) {
    Map<String, Object> extra = Map.of("leftover", "leftover-" + hex(12));
    LeaveLook l = leaveThenLook(run, "", LEAVE_OUTPUT, LOOK_FOR_OUTPUT, extra);
    return new Outcome(l.main(), l.others(), l.problems(), summary(l.main()) + "; the next renders found none of it");
  }

  /** The first leave render, the other renders, and what went wrong. */
  private record LeaveLook(RenderResult main, List<RenderResult> others, List<String> problems) {}

  /** A render on every slot leaves something behind, then a render on every slot looks for it. */
  private static LeaveLook leaveThenLook(Run run, String idPrefix, String leave, String look, Map<String, Object> extra) {
    List<String> problems = new ArrayList<>();
    List<RenderResult> others = new ArrayList<>();
    RenderResult main = null;
    for (int i = 0; i < run.slots(); i++) {
      RenderResult r = run.render(idPrefix + "leave-" + i, RenderProfile.FRAMES, leave, extra);
      problems.addAll(prefixed("leave", statusProblems(r, RenderStatus.RENDERED)));
      if (main == null) {
        main = r;
      } else {
        others.add(r);
      }
    }
    for (int i = 0; i < run.slots(); i++) {
      RenderResult r = run.render(idPrefix + "look-" + i, RenderProfile.FRAMES, look, extra);
      problems.addAll(prefixed("look", statusProblems(r, RenderStatus.RENDERED)));
      others.add(r);
    }
    return new LeaveLook(main, others, problems);
  }

  private static Outcome previousRenderInMemory(Run run) {
    List<String> problems = new ArrayList<>();
    List<RenderResult> others = new ArrayList<>();
    String a = "leftover-" + hex(6);
    String b = hex(6);
    RenderResult main = null;
    int fragments = 0;
    for (int i = 0; i < run.slots(); i++) {
      RenderResult left = run.render("memory-leave-" + i, RenderProfile.FRAMES,
          LEAVE_IN_MEMORY.replace("@LEFTOVER@", a + b));
      problems.addAll(prefixed("leave", statusProblems(left, RenderStatus.RENDERED)));
      others.add(left);
    }
    // The same workers in the same turn: each look follows a leave on its worker.
    for (int i = 0; i < run.slots(); i++) {
      RenderResult look = run.render("memory-look-" + i, RenderProfile.FRAMES, LOOK_IN_MEMORY,
          Map.of("left_a", a, "left_b", b));
      problems.addAll(prefixed("look", statusProblems(look, RenderStatus.RENDERED)));
      if (main == null) {
        main = look;
      } else {
        others.add(look);
      }
      for (String line : look.stderrTail()) {
        if (line.startsWith("FRAGMENTS ")) {
          fragments = Math.max(fragments, Integer.parseInt(line.substring(10).trim()));
        }
      }
    }
    // What we guarantee: the worker keeps no object of an earlier render (result, frames, its
    // formulas: the render's copy of the LaTeX cache is emptied). Not guaranteed: bytes of memory
    // the worker freed are in the fork too until reused; only a fork server that never saw a
    // render's data would leave none.
    return new Outcome(main, others, problems, summary(main) + "; no object of the previous render reachable;"
        + " residual: its bytes in memory the worker freed (" + fragments + " copies of its marker found by a scan"
        + " of /proc/self/mem this time)");
  }

  private static Outcome ipcState(Run run) {
    Map<String, Object> extra = Map.of("leftover", "leftover-" + hex(12), "ipc_key", 1 + RANDOM.nextInt(1 << 30));
    LeaveLook l = leaveThenLook(run, "ipc-", IPC_LEAVE, IPC_LOOK, extra);
    return new Outcome(l.main(), l.others(), l.problems(), summary(l.main()) + " (" + lastLines(l.main(), 1)
        + "); the next renders found none of it");
  }


  // ------------------------------------------------------------------------------ the runner

  /**
   * Runs every case through {@code pool}, one after the other, and checks the host after each;
   * {@code progress} gets each verdict as it is known (the whole run takes minutes: cases that
   * only the timeout can stop hold a slot for render.timeout-seconds). Sets up the host-side
   * probes itself and tears them down at the end. The pool must be otherwise idle: the checks
   * count on handing out its workers in turn, and look at its workers' process trees.
   */
  public static List<Verdict> run(RenderWorkerPool pool, Consumer<Verdict> progress) {
    return run(pool, progress, name -> true);
  }

  /** As {@link #run(RenderWorkerPool, Consumer)}, only the cases whose names {@code which} accepts. */
  static List<Verdict> run(RenderWorkerPool pool, Consumer<Verdict> progress, Predicate<String> which) {
    List<Verdict> verdicts = new ArrayList<>();
    try (Probes probes = Probes.open(pool)) {
      Baseline baseline = Baseline.take(pool, probes);
      for (Case c : CASES) {
        if (!which.test(c.name())) {
          continue;
        }
        Verdict v = runCase(c, new Run(pool, probes, baseline, "hostile-" + hex(12)));
        verdicts.add(v);
        progress.accept(v);
      }
    }
    return verdicts;
  }

  private static Verdict runCase(Case c, Run run) {
    Outcome o;
    try {
      o = c.runner().run(run);
    } catch (Exception | AssertionError e) {
      // No render to report: the row says so, with a status that never counts as held.
      return new Verdict(c.name(), c.attack(), false, RenderStatus.SANDBOX_ERROR, 0,
          "the case itself failed: " + e);
    }
    List<String> problems = new ArrayList<>(o.problems());
    List<RenderResult> rows = new ArrayList<>(o.others());
    rows.add(o.main());
    problems.addAll(run.hostProblems(rows));
    run.sentinels("the pool afterwards", problems, new ArrayList<>());
    String detail = o.note() + (problems.isEmpty() ? "" : " | DID NOT HOLD: " + String.join("; ", problems));
    return new Verdict(c.name(), c.attack(), problems.isEmpty(), o.main().status(), o.main().wallSeconds(), detail);
  }

  /** Problems with a render whose status must be one of {@code expected}: the status, and a scene that saw its attack work. */
  private static List<String> statusProblems(RenderResult r, RenderStatus... expected) {
    List<String> problems = new ArrayList<>();
    if (r.message().contains(ATTACK_SUCCEEDED) || r.stderrText().contains(ATTACK_SUCCEEDED)) {
      problems.add(r.id() + ": " + r.message());
    } else if (!Arrays.asList(expected).contains(r.status())) {
      problems.add(r.id() + ": " + r.status().wireName() + ", expected " + Arrays.stream(expected)
          .map(RenderStatus::wireName).collect(Collectors.joining(" or ")) + " (" + r.message() + " | "
          + lastLines(r, 3) + ")");
    }
    return problems;
  }

  private static List<String> prefixed(String prefix, List<String> problems) {
    return problems.stream().map(p -> prefix + " " + p).toList();
  }

  private static String summary(RenderResult r) {
    String message = r.message().isEmpty() ? "" : ": " + r.message();
    return r.status().wireName() + (message.length() > 300 ? message.substring(0, 300) + "..." : message);
  }

  private static String lastLines(RenderResult r, int n) {
    List<String> tail = r.stderrTail();
    return String.join(" / ", tail.subList(Math.max(0, tail.size() - n), tail.size()));
  }

  /** The frames a clean pool renders, taken before the first case. */
  private record Baseline(VideoFrames sentinel, VideoFrames formula, int formulaNumber) {

    static Baseline take(RenderWorkerPool pool, Probes probes) {
      Run run = new Run(pool, probes, null, "baseline-" + hex(12));
      RenderResult s = run.render("baseline-sentinel", RenderProfile.FRAMES, SENTINEL);
      int number = 2 + RANDOM.nextInt(9000);  // a formula no worker has compiled yet
      RenderResult f = run.render("baseline-formula", RenderProfile.FRAMES, FORMULA.replace("@N@",
          Integer.toString(number)));
      if (s.status() != RenderStatus.RENDERED || f.status() != RenderStatus.RENDERED) {
        throw new IllegalStateException("the pool does not render plain scenes before any attack: "
            + summary(s) + " | " + lastLines(s, 5) + " || " + summary(f) + " | " + lastLines(f, 5));
      }
      return new Baseline(s.frames(), f.frames(), number);
    }
  }

  /** One case's run: the pool, the probes, the clean frames, and the case's marker. */
  private static final class Run {
    final RenderWorkerPool pool;
    final Probes probes;
    final Baseline baseline;
    final String marker;
    private int seq;

    Run(RenderWorkerPool pool, Probes probes, Baseline baseline, String marker) {
      this.pool = pool;
      this.probes = probes;
      this.baseline = baseline;
      this.marker = marker;
    }

    RenderConfig config() {
      return pool.config();
    }

    /** Workers of the pool: this many renders in a row reach each of them once. */
    int slots() {
      return pool.role() == RenderPoolRole.REFERENCE ? config().resolvedReferenceWorkers() : config().workers();
    }

    int[] frameSize() {
      return QualityPreset.of(config().quality()).frameSize(config().frameWidth());
    }

    double framesFps() {
      QualityPreset q = QualityPreset.of(config().quality());
      return (double) q.frameRate / Math.max(1, Math.rint(q.frameRate / config().sampleFps()));
    }

    RenderResult render(String id, RenderProfile profile, String scene) {
      return render(id, profile, scene, Map.of());
    }

    RenderResult render(String id, RenderProfile profile, String scene, Map<String, Object> extra) {
      String code = PRELUDE.replace("@PARAMS@", params(extra)) + scene;
      return pool.render(new RenderRequest(id + "-" + (seq++), code, SCENE, profile, null));
    }

    /** The parameter block of the scenes, as base64 of JSON (no quoting to get wrong). */
    private String params(Map<String, Object> extra) {
      ObjectNode p = JSON.createObjectNode();
      p.put("marker", marker);
      p.put("secret_path", probes.secretFile.toString());
      p.put("secret_dir", probes.dir.toString());
      p.put("secret_sha", sha256(probes.secret.getBytes(StandardCharsets.UTF_8)));
      ObjectNode env = p.putObject("secret_env");
      probes.secretEnv.forEach((k, v) -> env.put(k, sha256(v.getBytes(StandardCharsets.UTF_8))));
      p.put("port", probes.tcp.getLocalPort());
      ArrayNode addrs = p.putArray("host_addrs");
      probes.hostAddresses.forEach(addrs::add);
      p.put("unix_sock", probes.unixPath.toString());
      ArrayNode abstractNames = p.putArray("abstract_names");
      probes.abstractNames.forEach(abstractNames::add);
      ObjectNode digests = p.putObject("host_digests");
      probes.hostDigests.forEach(digests::put);
      p.put("ref_cache", probes.referenceCache.toString());
      p.put("jvm_pid", ProcessHandle.current().pid());
      p.put("host_pid", probes.hostProcess.pid());
      RenderConfig c = config();
      p.put("cpu_seconds", c.cpuSeconds());
      p.put("memory_mb", c.memoryMb());
      p.put("max_frames", c.maxFrames());
      int[] size = frameSize();
      p.put("frame_w", size[0]);
      p.put("frame_h", size[1]);
      p.put("frames_fps", framesFps());
      extra.forEach((k, v) -> p.set(k, JSON.valueToTree(v)));
      try {
        return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(p));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * The plain scene once per worker: each must render the clean frames and find nothing of
     * earlier renders (see {@link #SENTINEL}).
     */
    void sentinels(String what, List<String> problems, List<RenderResult> rows) {
      for (int i = 0; i < slots(); i++) {
        RenderResult r = render("sentinel", RenderProfile.FRAMES, SENTINEL);
        rows.add(r);
        if (r.status() != RenderStatus.RENDERED) {
          problems.add(what + ": a plain scene did not render: " + summary(r) + " | " + lastLines(r, 3));
        } else if (baseline != null && !sameFrames(r.frames(), baseline.sentinel())) {
          problems.add(what + ": a plain scene rendered other frames than before the suite");
        }
      }
    }

    /** The baseline formula once per worker: the same frames as before the suite, compiled or cached. */
    List<RenderResult> formulaOnEveryWorker(List<String> problems) {
      List<RenderResult> rows = new ArrayList<>();
      for (int i = 0; i < slots(); i++) {
        RenderResult r = render("formula", RenderProfile.FRAMES,
            FORMULA.replace("@N@", Integer.toString(baseline.formulaNumber())));
        rows.add(r);
        if (r.status() != RenderStatus.RENDERED) {
          problems.add("a formula did not render afterwards: " + summary(r) + " | " + lastLines(r, 3));
        } else if (!sameFrames(r.frames(), baseline.formula())) {
          problems.add("a formula rendered other frames than before the suite");
        }
      }
      return rows;
    }

    /** What the host shows after a case: processes, probes, files, and what the rows returned. */
    List<String> hostProblems(List<RenderResult> rows) {
      List<String> problems = new ArrayList<>();
      // Processes of the render: killed before the result is sent; give the reaping a moment.
      List<String> survivors = waitFor(() -> markerProcesses(marker).isEmpty()) ? List.of() : markerProcesses(marker);
      if (!survivors.isEmpty()) {
        problems.add("processes of the render are alive on the host: " + survivors);
      }
      List<String> strays = waitFor(() -> straySandboxProcesses().isEmpty()) ? List.of() : straySandboxProcesses();
      if (!strays.isEmpty()) {
        problems.add("processes of a sandbox uid outside any sandbox: " + strays);
      }
      List<String> busy = waitFor(() -> busyWorkers().isEmpty()) ? List.of() : busyWorkers();
      if (!busy.isEmpty()) {
        problems.add("a worker's sandbox still runs processes of the render: " + busy);
      }
      problems.addAll(probes.problems(marker));
      for (RenderResult r : rows) {
        String returned = r.message() + "\n" + String.join("\n", r.stderrTail());
        for (String secret : probes.secrets()) {
          if (returned.contains(secret)) {
            problems.add(r.id() + " returned a host secret in its message or stderr");
          }
        }
        if (r.stderrTail().size() > config().stderrLines()
            || r.stderrTail().stream().anyMatch(l -> l.length() > WorkerReplies.LINE_MAX_CHARS)
            || r.message().length() > WorkerReplies.MESSAGE_MAX_CHARS) {
          problems.add(r.id() + " returned more stderr or message than the caps allow");
        }
      }
      return problems;
    }

    /** Live workers whose sandbox holds more than bubblewrap and the worker. */
    private List<String> busyWorkers() {
      List<String> busy = new ArrayList<>();
      for (long pid : pool.workerPids()) {
        ProcessHandle.of(pid).ifPresent(w -> {
          List<String> inside = w.descendants().filter(d -> !isBubblewrap(d))
              .map(d -> d.pid() + " " + d.info().commandLine().orElse("?")).toList();
          if (inside.size() > 1) {
            busy.add(pid + ": " + inside.size() + " processes besides bubblewrap");
          }
        });
      }
      return busy;
    }

    /** Processes of this pool's sandbox uids (JVM as root) with no bubblewrap among their ancestors. */
    private List<String> straySandboxProcesses() {
      if (!Sandbox.jvmIsRoot()) {
        return List.of(); // the sandboxes share the JVM's uid: nothing to tell them by
      }
      int low = config().sandboxUidBase();
      int high = low + 1000; // candidate and reference pools, every worker
      return ProcessHandle.allProcesses()
          .filter(p -> {
            Integer uid = uidOf(p.pid());
            return uid != null && uid >= low && uid < high && !underBubblewrap(p);
          })
          .map(p -> p.pid() + " (uid " + uidOf(p.pid()) + ") " + p.info().commandLine().orElse("?"))
          .toList();
    }
  }

  private static boolean waitFor(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Host processes whose command line carries {@code marker}. */
  static List<String> markerProcesses(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
        .toList();
  }

  static boolean isBubblewrap(ProcessHandle p) {
    String line = p.info().commandLine().orElse(p.info().command().orElse(""));
    String first = line.split(" ", 2)[0];
    return first.equals("bwrap") || first.endsWith("/bwrap");
  }

  static boolean underBubblewrap(ProcessHandle p) {
    Optional<ProcessHandle> parent = p.parent();
    while (parent.isPresent()) {
      if (isBubblewrap(parent.get())) {
        return true;
      }
      parent = parent.get().parent();
    }
    return false;
  }

  static Integer uidOf(long pid) {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc", Long.toString(pid)), "unix:uid");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------------------ the probes

  /**
   * What the host sets out for the renders to find, and checks afterwards: a secret file in a
   * fresh folder, a loopback TCP port and a Unix socket that count connections, a host process
   * to signal, the JVM environment's secret-looking values, and digests of host files a render
   * must not be able to read.
   */
  private static final class Probes implements AutoCloseable {
    final Path dir;
    final Path secretFile;
    final String secret;
    final long secretModified;
    final ServerSocket tcp;
    final AtomicInteger tcpAccepted = new AtomicInteger();
    final Path unixPath;
    final ServerSocketChannel unix;
    final AtomicInteger unixAccepted = new AtomicInteger();
    final Process hostProcess;
    final Map<String, String> secretEnv;
    final List<String> hostAddresses;
    final List<String> abstractNames;
    final Map<String, String> hostDigests;
    final Path referenceCache;
    final List<Path> watchedFolders;
    final Path diskProbe;
    private final List<Thread> acceptors = new ArrayList<>();

    private Probes(RenderWorkerPool pool) throws IOException {
      dir = Files.createTempDirectory("sandbox-self-check-");
      secret = "probe-secret-" + hex(24);
      secretFile = dir.resolve("secret.txt");
      Files.writeString(secretFile, secret + "\n");
      Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-r--r--"));
      secretModified = Files.getLastModifiedTime(secretFile).toMillis();
      tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptors.add(acceptor("tcp", () -> {
        try (Socket s = tcp.accept()) {
          tcpAccepted.incrementAndGet();
        }
      }, tcp::isClosed));
      unixPath = dir.resolve("probe.sock");
      unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      unix.bind(UnixDomainSocketAddress.of(unixPath));
      acceptors.add(acceptor("unix", () -> {
        try (SocketChannel s = unix.accept()) {
          unixAccepted.incrementAndGet();
        }
      }, () -> !unix.isOpen()));
      hostProcess = new ProcessBuilder("sleep", "100000").redirectErrorStream(true).start();
      Map<String, String> env = new TreeMap<>();
      System.getenv().forEach((k, v) -> {
        if (SECRET_NAME.matcher(k).matches() && v.length() >= 8) {
          env.put(k, v);
        }
      });
      secretEnv = Collections.unmodifiableMap(env);
      hostAddresses = hostAddresses();
      abstractNames = abstractSocketNames();
      referenceCache = CacheConfig.userCacheDir().resolve("reference-renders");
      hostDigests = hostDigests(List.of(secretFile, dir, referenceCache, CacheConfig.userCacheDir()));
      Path runtimeRoot = pool.runtime().mode() == RuntimeMode.SANDBOX_ROOT ? pool.runtime().root() : Path.of("/");
      Set<Path> folders = new LinkedHashSet<>();
      for (String f : List.of("", "tmp", "usr", "usr/bin", "etc", "opt", "opt/manim-grpo", "root", "home", "var/tmp",
          "run", "dev", "dev/shm", "scratch")) {
        folders.add(Path.of("/").resolve(f));
        folders.add(runtimeRoot.resolve(f));
      }
      folders.add(Path.of(System.getProperty("java.io.tmpdir")));
      watchedFolders = List.copyOf(folders);
      diskProbe = Path.of(System.getProperty("java.io.tmpdir"));
    }

    static Probes open(RenderWorkerPool pool) {
      try {
        return new Probes(pool);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot set up the host probes", e);
      }
    }

    private interface Accept {
      void once() throws IOException;
    }

    private static Thread acceptor(String name, Accept accept, BooleanSupplier closed) {
      Thread t = new Thread(() -> {
        while (!closed.getAsBoolean()) {
          try {
            accept.once();
          } catch (IOException e) {
            // closed at the end, or a connection that broke: either way nothing to count
          }
        }
      }, "sandbox-self-check-" + name);
      t.setDaemon(true);
      t.start();
      return t;
    }

    /** Every value a render must never return: the probe secret, the JVM's secret-looking environment. */
    List<String> secrets() {
      List<String> all = new ArrayList<>(secretEnv.values());
      all.add(secret);
      return all;
    }

    long freeDisk() {
      try {
        return Files.getFileStore(diskProbe).getUsableSpace();
      } catch (IOException e) {
        return 0;
      }
    }

    /** What changed on the host: the probes, and entries named with the case's marker. */
    List<String> problems(String marker) {
      List<String> problems = new ArrayList<>();
      try {
        if (!Files.readString(secretFile).equals(secret + "\n")
            || Files.getLastModifiedTime(secretFile).toMillis() != secretModified) {
          problems.add("the probe secret file changed");
        }
        try (Stream<Path> s = Files.list(dir)) {
          Set<String> names = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
          if (!names.equals(Set.of("secret.txt", "probe.sock"))) {
            problems.add("the probe folder changed: " + names);
          }
        }
      } catch (IOException e) {
        problems.add("the probe folder cannot be read: " + e);
      }
      if (tcpAccepted.get() > 0) {
        problems.add(tcpAccepted.get() + " connections reached the host's loopback probe port");
      }
      if (unixAccepted.get() > 0) {
        problems.add(unixAccepted.get() + " connections reached the host's Unix probe socket");
      }
      if (!hostProcess.isAlive()) {
        problems.add("the host probe process was killed");
      }
      for (Path folder : watchedFolders) {
        try (Stream<Path> s = Files.list(folder)) {
          List<String> hits = s.map(p -> p.getFileName().toString()).filter(n -> n.contains(marker)).toList();
          if (!hits.isEmpty()) {
            problems.add("the render's files appeared on the host in " + folder + ": " + hits);
          }
        } catch (IOException | UncheckedIOException e) {
          // not there or not readable on this host: nothing can have appeared through it
        }
      }
      return problems;
    }

    @Override
    public void close() {
      try {
        tcp.close();
      } catch (IOException e) {
        // closing
      }
      try {
        unix.close();
      } catch (IOException e) {
        // closing
      }
      hostProcess.destroyForcibly();
      for (Thread t : acceptors) {
        try {
          t.join(2000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      FileTrees.deleteQuietly(dir);
    }

    /** The host's own addresses (not loopback), which the sandbox must not reach either. */
    private static List<String> hostAddresses() {
      List<String> out = new ArrayList<>();
      try {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          for (InetAddress a : Collections.list(nif.getInetAddresses())) {
            if (!a.isLoopbackAddress() && out.size() < 10) {
              String s = a.getHostAddress();
              out.add(a instanceof Inet6Address && s.contains("%") ? s.substring(0, s.indexOf('%')) : s);
            }
          }
        }
      } catch (IOException e) {
        // no interfaces to list: the loopback and outside addresses are still tried
      }
      return out;
    }

    /** Names of the host's abstract Unix sockets (a network namespace of the sandbox's own has none of them). */
    private static List<String> abstractSocketNames() {
      Set<String> names = new LinkedHashSet<>();
      try {
        for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
          String[] f = line.trim().split("\\s+");
          if (f.length >= 8 && f[7].startsWith("@") && names.size() < 20) {
            names.add(f[7].substring(1));
          }
        }
      } catch (IOException | RuntimeException e) {
        // no /proc/net/unix: nothing to try
      }
      return List.copyOf(names);
    }

    /**
     * SHA-256 of host files (their content) and folders (their sorted entry names) that exist,
     * are readable and not empty: a render that reads the same bytes at the same path has
     * reached the host, since its / is the runtime.
     */
    private static Map<String, String> hostDigests(List<Path> more) {
      String home = System.getProperty("user.home");
      List<Path> paths = new ArrayList<>(more);
      for (String p : List.of("/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/root", "/root/.aws",
          "/root/.aws/credentials", "/root/.aws/config", "/root/.ssh", "/root/.ssh/id_rsa", "/root/.ssh/id_ed25519",
          "/root/.ssh/authorized_keys", "/root/.bash_history")) {
        paths.add(Path.of(p));
      }
      for (String p : List.of("", ".aws/credentials", ".ssh", ".netrc", ".git-credentials", ".npmrc", ".gitconfig",
          ".docker/config.json", ".kube/config", ".m2/settings.xml", ".cache")) {
        paths.add(Path.of(home).resolve(p));
      }
      Map<String, String> digests = new TreeMap<>();
      for (Path p : paths) {
        try {
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(p)) {
              List<String> names = s.map(x -> x.getFileName().toString()).sorted().toList();
              if (!names.isEmpty()) {
                digests.put(p.toString(), sha256(String.join("\n", names).getBytes(StandardCharsets.UTF_8)));
              }
            }
          } else if (Files.isRegularFile(p) && Files.size(p) > 0 && Files.size(p) <= (1 << 20)) {
            digests.put(p.toString(), sha256(Files.readAllBytes(p)));
          }
        } catch (IOException | RuntimeException e) {
          // not readable here either: nothing to compare
        }
      }
      return digests;
    }
  }

  static String hex(int chars) {
    byte[] b = new byte[(chars + 1) / 2];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b).substring(0, chars);
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
