package io.kcdc.testkit;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Java main class in a child JVM: this JVM's classpath unless told otherwise, an explicit
 * {@code -Xmx}, system properties and arguments, stdout and stderr in a log file. The child ends
 * itself when this JVM is gone ({@link ChildJvmMain}), so a crashed test run leaves no broker
 * behind. Crash tests {@link #kill} it (SIGKILL) and start the same {@link Builder} again.
 */
public final class ChildJvm implements AutoCloseable {
  private final ChildProcess process;

  private ChildJvm(ChildProcess process) {
    this.process = process;
  }

  /** A launcher for {@code mainClass}; {@link Builder#maxHeap} and {@link Builder#log} are required. */
  public static Builder builder(String mainClass) {
    return new Builder(mainClass);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return process.log();
  }

  public int exitValue() {
    return process.exitValue();
  }

  /** Whether the JVM ended within {@code timeout}. */
  public boolean waitFor(Duration timeout) {
    return process.waitFor(timeout);
  }

  /** SIGKILL: no shutdown hook runs, as in a crash. Returns once the JVM is gone. */
  public void kill() {
    process.kill();
  }

  /** SIGTERM (the JVM runs its shutdown hooks), SIGKILL after {@code timeout}. */
  public void stop(Duration timeout) {
    process.stop(timeout);
  }

  /** The last {@code maxChars} characters of the log, for error messages. */
  public String logTail(int maxChars) {
    return process.logTail(maxChars);
  }

  /** {@link #stop} with {@link ChildProcess#STOP_TIMEOUT}; nothing once the JVM has ended. */
  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return process.toString();
  }

  /** What to run; {@link #start} may be called again for a new JVM with the same settings. */
  public static final class Builder {
    private final String mainClass;
    private String classpath = System.getProperty("java.class.path");
    private String maxHeap;
    private Path log;
    private Path workDir;
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();

    private Builder(String mainClass) {
      this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
    }

    /** The child's classpath (default: this JVM's {@code java.class.path}). */
    public Builder classpath(String classpath) {
      this.classpath = Objects.requireNonNull(classpath, "classpath");
      return this;
    }

    /** The child's {@code -Xmx}, e.g. {@code "512m"}; required, the machine is shared. */
    public Builder maxHeap(String maxHeap) {
      this.maxHeap = maxHeap;
      return this;
    }

    /** Where stdout and stderr are appended; required. */
    public Builder log(Path log) {
      this.log = log;
      return this;
    }

    /** The child's working directory (default: this JVM's). */
    public Builder workDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    /** Another JVM option, e.g. {@code -XX:+UseSerialGC}. */
    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    public Builder systemProperty(String key, String value) {
      systemProperties.put(key, value);
      return this;
    }

    /** Arguments to the main class, after those given before. */
    public Builder args(String... more) {
      args.addAll(List.of(more));
      return this;
    }

    /** The command line {@link #start} runs. */
    public List<String> command() {
      if (maxHeap == null || maxHeap.isBlank()) {
        throw new IllegalStateException("a child JVM needs an explicit max heap (maxHeap(\"512m\")): the machine is shared");
      }
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx" + maxHeap);
      cmd.addAll(jvmArgs);
      systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
      cmd.add("-cp");
      cmd.add(withLauncher(classpath));
      cmd.add(ChildJvmMain.class.getName());
      cmd.add(Long.toString(ProcessHandle.current().pid()));
      cmd.add(mainClass);
      cmd.addAll(args);
      return cmd;
    }

    /** Starts a new child JVM. */
    public ChildJvm start() throws IOException {
      if (log == null) {
        throw new IllegalStateException("a child JVM needs a log file (log(path)) for its stdout and stderr");
      }
      String simpleName = mainClass.substring(mainClass.lastIndexOf('.') + 1);
      return new ChildJvm(ChildProcess.start(simpleName, command(), log, workDir));
    }

    /** {@code classpath} plus where {@link ChildJvmMain} lives, when a custom classpath lacks it. */
    private static String withLauncher(String classpath) {
      String own;
      try {
        own = Path.of(ChildJvmMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
      for (String entry : classpath.split(File.pathSeparator)) {
        if (entry.equals(own)) {
          return classpath;
        }
      }
      return classpath.isEmpty() ? own : classpath + File.pathSeparator + own;
    }
  }
}
