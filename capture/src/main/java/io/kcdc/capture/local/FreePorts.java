package io.kcdc.capture.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks free loopback ports for servers that need their port before they bind. */
public final class FreePorts {
  private FreePorts() {}

  /** Fails with a clear message when a fixed port is already taken (e.g. by another playground). */
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

  public static int pick() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
