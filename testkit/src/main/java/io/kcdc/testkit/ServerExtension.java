package io.kcdc.testkit;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server shared by the tests of one class, started before the first and closed after the last:
 *
 * <pre>{@code
 * @RegisterExtension static final ServerExtension<Kafka> KAFKA = ServerExtension.kafka();
 * ... KAFKA.get().bootstrapServers() ...
 * }</pre>
 *
 * Register it on a static field: JUnit runs class-level callbacks only for those.
 */
public final class ServerExtension<T extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {
  /** Starts a server; may throw what starting it throws. */
  @FunctionalInterface
  public interface Starter<T> {
    T start() throws Exception;
  }

  private final Starter<T> starter;
  private T server;

  private ServerExtension(Starter<T> starter) {
    this.starter = starter;
  }

  public static <T extends AutoCloseable> ServerExtension<T> of(Starter<T> starter) {
    return new ServerExtension<>(starter);
  }

  /** An etcd on free ports in a temp dir. */
  public static ServerExtension<Etcd> etcd() {
    return of(Etcd::startTemporary);
  }

  /** A broker in this JVM on free ports in a temp dir. */
  public static ServerExtension<Kafka> kafka() {
    return kafka(b -> {});
  }

  /** A broker on free ports in a temp dir, with {@code settings} applied to its builder first. */
  public static ServerExtension<Kafka> kafka(Consumer<Kafka.Builder> settings) {
    return of(() -> {
      Kafka.Builder b = Kafka.builder();
      settings.accept(b);
      return b.build().start();
    });
  }

  /** The running server (between the class's first and last test). */
  public T get() {
    if (server == null) {
      throw new IllegalStateException("not started: register the extension on a static field");
    }
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = starter.start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server != null) {
      try {
        server.close();
      } finally {
        server = null;
      }
    }
  }
}
