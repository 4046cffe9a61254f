package io.kcdc.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One etcd member as a child process (the {@code etcd} binary from the OS) on loopback, as
 * TiCDC's captures keep their metadata in PD's etcd. The ports are fixed when it is built, so
 * {@link #start} after {@link #stop} or {@link #kill} brings the same member back on the same
 * ports with the same data (see docs/testkit.md). {@code <dataDir>/data} holds etcd's data and
 * {@code <dataDir>/etcd.log} its output.
 */
public final class Etcd implements AutoCloseable {
  /** The member's name; a restart must use the one its data was created with. */
  static final String MEMBER = "cdc-etcd";
  private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(30);

  private final Lifecycle lifecycle;
  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private final Tls tls;
  private ChildProcess process;

  private Etcd(Lifecycle lifecycle, int clientPort, int peerPort, Tls tls) {
    this.lifecycle = lifecycle;
    this.dataDir = lifecycle.dataDir();
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.tls = tls;
  }

  /**
   * Client TLS: etcd serves {@code https} with {@code cert} and requires client certificates signed
   * by the CA at {@code caPath} ({@code --client-cert-auth}); peers stay plain (one member).
   */
  public record Tls(java.nio.file.Path caPath, TestCertificates.Issued cert) {}

  public static Builder builder() {
    return new Builder();
  }

  /** An etcd on free ports in a temp dir that {@link #close} deletes, started and healthy. */
  public static Etcd startTemporary() throws IOException {
    return builder().build().start();
  }

  /** Starts the member and waits until {@code /health} says so; fails if it is running. */
  public synchronized Etcd start() throws IOException {
    lifecycle.checkStartable(isRunning(), clientUrl());
    Files.createDirectories(dataDir);
    String peerUrl = "http://127.0.0.1:" + peerPort;
    List<String> command = new java.util.ArrayList<>(List.of(
        "etcd",
        "--name", MEMBER,
        "--data-dir", dataDir.resolve("data").toString(),
        "--listen-client-urls", clientUrl(),
        "--advertise-client-urls", clientUrl(),
        "--listen-peer-urls", peerUrl,
        "--initial-advertise-peer-urls", peerUrl,
        "--initial-cluster", MEMBER + "=" + peerUrl,
        "--initial-cluster-state", "new"));
    if (tls != null) {
      // etcd's client TLS flags (docs/testkit.md, "TLS").
      command.addAll(List.of(
          "--cert-file", tls.cert().certPath().toString(),
          "--key-file", tls.cert().keyPath().toString(),
          "--trusted-ca-file", tls.caPath().toString(),
          "--client-cert-auth"));
    }
    process = ChildProcess.start("etcd", command, dataDir.resolve("etcd.log"), null);
    try {
      awaitHealthy();
    } catch (IOException | RuntimeException e) {
      process.kill();
      throw e;
    }
    return this;
  }

  private void awaitHealthy() throws IOException {
    Http http = Http.to(clientUrl()).withTimeout(Duration.ofSeconds(1));
    if (tls != null) {
      http = http.withSslContext(tls.cert().sslContext());
    }
    long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("etcd exited with " + process.exitValue() + " before it was healthy:\n"
            + process.logTail(4000));
      }
      try {
        Http.Response r = http.get("/health");
        if (r.status() == 200 && r.body().contains("true")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for etcd", e);
      }
      Sleep.millis(100);
    }
    throw new IOException("etcd was not healthy within " + HEALTHY_WITHIN + ":\n" + process.logTail(4000));
  }

  /** SIGTERM, and waits until etcd has exited (SIGKILL after 30 s). */
  public synchronized void stop() {
    if (process != null) {
      process.stop(ChildProcess.STOP_TIMEOUT);
    }
  }

  /** SIGKILL, as a crash; returns once the process is gone. */
  public synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.kill();
    }
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** e.g. {@code http://127.0.0.1:2389}, {@code https://...} with TLS. */
  public String clientUrl() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
  }

  /** The TLS settings, or null for plain text. */
  public Tls tls() {
    return tls;
  }

  public int clientPort() {
    return clientPort;
  }

  public int peerPort() {
    return peerPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Stops etcd and deletes a temp data dir it created; calling it again does nothing. */
  @Override
  public synchronized void close() {
    if (lifecycle.close()) {
      stop();
      lifecycle.deleteOwnDataDir();
    }
  }

  /** Where and on which ports; 0 means a free port, picked once at {@link #build}. */
  public static final class Builder {
    private Path dataDir;
    private int clientPort;
    private int peerPort;
    private Tls tls;

    private Builder() {}

    /** Serve clients over TLS with client-certificate authentication (default: plain text). */
    public Builder tls(java.nio.file.Path caPath, TestCertificates.Issued cert) {
      this.tls = new Tls(caPath, cert);
      return this;
    }

    /** Default: a new temp dir, deleted by {@link Etcd#close}. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    public Builder clientPort(int port) {
      this.clientPort = port;
      return this;
    }

    public Builder peerPort(int port) {
      this.peerPort = port;
      return this;
    }

    /** The member, not started yet. */
    public Etcd build() {
      return new Etcd(new Lifecycle("etcd", dataDir), FreePorts.orPick(clientPort), FreePorts.orPick(peerPort),
          tls);
    }
  }
}
