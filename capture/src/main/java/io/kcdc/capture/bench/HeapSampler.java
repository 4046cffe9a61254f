package io.kcdc.capture.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The heap another JVM uses, sampled with the JDK's {@code jstat -gc <pid> <interval>} (the sum of the survivor,
 * eden and old generations' used sizes): the highest sample approximates the peak, a short one between two samples
 * may be missed.
 */
final class HeapSampler implements AutoCloseable {
  private final Process jstat;
  private final Thread reader;
  private volatile long peakKib;

  HeapSampler(long pid, int intervalMs) throws IOException {
    String exe = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
    jstat = new ProcessBuilder(List.of(exe, "-gc", Long.toString(pid), Integer.toString(intervalMs)))
        .redirectErrorStream(true).start();
    reader = new Thread(this::read, "heap-sampler");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.US_ASCII))) {
      List<String> header = null;
      String line;
      while ((line = in.readLine()) != null) {
        List<String> cols = List.of(line.trim().split("\\s+"));
        if (cols.contains("EU")) {
          header = cols;
          continue;
        }
        if (header == null || cols.size() != header.size()) {
          continue;
        }
        double used = 0;
        for (String c : List.of("S0U", "S1U", "EU", "OU")) {
          used += Double.parseDouble(cols.get(header.indexOf(c)));
        }
        peakKib = Math.max(peakKib, (long) used);
      }
    } catch (IOException | RuntimeException e) {
      // the sampled JVM is gone
    }
  }

  /** The highest heap use seen, in MiB. */
  long peakMib() {
    return peakKib >> 10;
  }

  @Override
  public void close() {
    jstat.destroy();
  }
}
