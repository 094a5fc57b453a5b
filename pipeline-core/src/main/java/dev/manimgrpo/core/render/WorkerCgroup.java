package dev.manimgrpo.core.render;

import java.nio.file.Path;

/** The cgroup v2 a worker's whole sandbox tree runs in, where the host offers one. */
interface WorkerCgroup {

  /** The {@code cgroup.procs} the launching shell writes its own pid to before it execs bwrap. */
  Path procsFile();

  /** Kills what is left and removes the cgroup. */
  void close();
}
