package io.kcdc.capture.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Finds the process listening on a capture's API port, as an operator would with {@code ss -ltnp}:
 * the socket's inode from {@code /proc/net/tcp[6]}, then the process holding it under
 * {@code /proc/<pid>/fd}. Linux only.
 */
public final class CaptureProcesses {
  private static final String LISTEN = "0A";

  private CaptureProcesses() {}

  /** The pid of the process listening on {@code address}'s port, if any. */
  public static OptionalLong pidListeningOn(String address) throws IOException {
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    Optional<String> inode = listeningInode(port);
    if (inode.isEmpty()) {
      return OptionalLong.empty();
    }
    String target = "socket:[" + inode.get() + "]";
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : (Iterable<Path>) procs::iterator) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
          for (Path fd : (Iterable<Path>) fds::iterator) {
            try {
              if (Files.readSymbolicLink(fd).toString().equals(target)) {
                return OptionalLong.of(Long.parseLong(name));
              }
            } catch (IOException e) {
              // closed meanwhile
            }
          }
        } catch (IOException e) {
          // gone, or not ours to read
        }
      }
    }
    return OptionalLong.empty();
  }

  private static Optional<String> listeningInode(int port) throws IOException {
    String hexPort = String.format(":%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals(LISTEN)) {
          return Optional.of(f[9]);
        }
      }
    }
    return Optional.empty();
  }

  /** Sends a signal by name ({@code STOP}, {@code CONT}) with {@code kill}, which the JDK cannot send itself. */
  public static void signal(long pid, String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + pid + " failed");
    }
  }

  /** SIGKILL. */
  public static boolean kill(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
  }
}
