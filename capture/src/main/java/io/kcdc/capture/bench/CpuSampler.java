package io.kcdc.capture.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time another process used between its creation and {@link #cores()}, from {@code /proc/<pid>/stat} (user
 * plus system clock ticks, 100 per second on Linux): the average number of cores it kept busy.
 */
final class CpuSampler {
  private static final double TICKS_PER_SECOND = 100.0;
  private final long pid;
  private final long startTicks;
  private final long startNanos;
  private final Map<Long, ThreadTicks> startThreads;

  private record ThreadTicks(String group, long ticks) {}

  CpuSampler(long pid) {
    this.pid = pid;
    this.startTicks = ticks();
    this.startNanos = System.nanoTime();
    this.startThreads = threads();
  }

  /**
   * CPU seconds since creation per group of threads, largest first: a thread's name as the kernel keeps it (its
   * first 15 characters) with digits dropped, so that the pool threads of one kind add up. Threads that ended in
   * between are not counted.
   */
  Map<String, Double> byThreadGroup() {
    Map<String, Long> ticks = new HashMap<>();
    threads().forEach((tid, now) -> {
      ThreadTicks before = startThreads.get(tid);
      ticks.merge(now.group(), now.ticks() - (before == null ? 0 : before.ticks()), Long::sum);
    });
    Map<String, Double> out = new LinkedHashMap<>();
    ticks.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue() / TICKS_PER_SECOND));
    return out;
  }

  private Map<Long, ThreadTicks> threads() {
    Map<Long, ThreadTicks> out = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      tasks.forEach(task -> {
        String stat = readStat(task.resolve("stat"));
        long t = ticks(stat);
        if (t >= 0) {
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          out.put(Long.parseLong(task.getFileName().toString()), new ThreadTicks(name.replaceAll("[0-9]+", "N"), t));
        }
      });
    } catch (IOException | RuntimeException e) {
      // the process is gone: no threads
    }
    return out;
  }

  /** Cores used on average since creation; negative when the process could not be read (it restarted). */
  double cores() {
    double cpu = cpuSeconds();
    return cpu < 0 ? -1 : cpu / ((System.nanoTime() - startNanos) / 1e9);
  }

  /** CPU seconds used since creation; negative when the process could not be read (it restarted). */
  double cpuSeconds() {
    long now = ticks();
    return now < 0 || startTicks < 0 ? -1 : (now - startTicks) / TICKS_PER_SECOND;
  }

  private long ticks() {
    return ticks(readStat(Path.of("/proc", Long.toString(pid), "stat")));
  }

  /** The file's text; null when it could not be read (the process or thread is gone). */
  private static String readStat(Path statFile) {
    try {
      return Files.readString(statFile);
    } catch (IOException e) {
      return null;
    }
  }

  /** User plus system clock ticks from a {@code stat} line; -1 for none. */
  private static long ticks(String stat) {
    if (stat == null) {
      return -1;
    }
    try {
      // fields after the command name, which is in parentheses and may hold spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    } catch (RuntimeException e) {
      return -1;
    }
  }
}
