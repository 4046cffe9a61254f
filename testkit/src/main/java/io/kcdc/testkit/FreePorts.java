package io.kcdc.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for servers that must be told their port before they bind. */
public final class FreePorts {
  private FreePorts() {}

  /** A port nothing listens on right now on 127.0.0.1 (the OS's pick). */
  public static int pick() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** {@code port}, or a free one when it is 0. */
  public static int orPick(int port) {
    return port == 0 ? pick() : port;
  }

  /**
   * Fails with a message naming {@code what} when a fixed port is taken (e.g. by another
   * playground); 0 means "any free port" and always passes.
   */
  public static void requireFree(int port, String what) {
    if (port == 0) {
      return;
    }
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
    } catch (IOException e) {
      throw new IllegalStateException(what + " port " + port + " is already in use on 127.0.0.1"
          + " (another playground still running?); choose another with its --*-port flag");
    }
  }
}
