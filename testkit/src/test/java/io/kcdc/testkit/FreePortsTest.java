package io.kcdc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  @Test
  void aPickedPortCanBeBound() throws Exception {
    int port = FreePorts.pick();
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(s.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void zeroMeansPickAndAnythingElseIsKept() {
    assertThat(FreePorts.orPick(0)).isPositive();
    assertThat(FreePorts.orPick(2389)).isEqualTo(2389);
  }

  @Test
  void aTakenPortIsRefusedWithItsName() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> FreePorts.requireFree(s.getLocalPort(), "etcd peer"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("etcd peer port " + s.getLocalPort() + " is already in use on 127.0.0.1"
              + " (another playground still running?); choose another with its --*-port flag");
    }
    assertThatCode(() -> FreePorts.requireFree(0, "any")).doesNotThrowAnyException();
    assertThatCode(() -> FreePorts.requireFree(FreePorts.pick(), "free")).doesNotThrowAnyException();
  }
}
