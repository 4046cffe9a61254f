package io.kcdc.capture.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time another process used between its creation and {@link #cores()}, from {@code /proc/<pid>/stat} (user
 * plus system clock ticks, 100 per second on Linux): the average number of cores it kept busy.
 */
final class CpuSampler {
  private static final double TICKS_PER_SECOND = 100.0;
  private final long pid;
  private final long startTicks;
  private final long startNanos;

  CpuSampler(long pid) {
    this.pid = pid;
    this.startTicks = ticks();
    this.startNanos = System.nanoTime();
  }

  /** Cores used on average since creation; negative when the process could not be read (it restarted). */
  double cores() {
    long now = ticks();
    if (now < 0 || startTicks < 0) {
      return -1;
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return (now - startTicks) / TICKS_PER_SECOND / seconds;
  }

  private long ticks() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // fields after the command name, which is in parentheses and may hold spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
