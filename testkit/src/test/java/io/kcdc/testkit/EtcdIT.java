package io.kcdc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A restarted member (after SIGTERM or SIGKILL) answers on the same URL with the same data. */
class EtcdIT {
  @Test
  void restartsOnTheSamePortsWithItsData() throws Exception {
    Path dir;
    try (Etcd etcd = Etcd.startTemporary()) {
      dir = etcd.dataDir();
      String url = etcd.clientUrl();
      put(etcd, "/tidb/cdc/k1", "v1");

      etcd.stop();
      assertThat(etcd.isRunning()).isFalse();
      etcd.start();
      assertThat(etcd.clientUrl()).isEqualTo(url);
      assertThat(get(etcd, "/tidb/cdc/k1")).isEqualTo("v1");
      put(etcd, "/tidb/cdc/k2", "v2");

      etcd.kill();
      assertThat(etcd.isRunning()).isFalse();
      etcd.start();
      assertThat(get(etcd, "/tidb/cdc/k1")).isEqualTo("v1");
      assertThat(get(etcd, "/tidb/cdc/k2")).isEqualTo("v2");
      assertThatThrownBy(etcd::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");

      etcd.close();
      etcd.close();
      assertThat(etcd.isRunning()).isFalse();
      assertThatThrownBy(etcd::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void aGivenDataDirIsKept() throws Exception {
    Path dir = TempDirs.create("etcd-kept");
    try {
      int port = FreePorts.pick();
      try (Etcd etcd = Etcd.builder().dataDir(dir).clientPort(port).build().start()) {
        assertThat(etcd.clientUrl()).isEqualTo("http://127.0.0.1:" + port);
        put(etcd, "k", "kept");
      }
      assertThat(dir.resolve("data")).isDirectory();
      assertThat(dir.resolve("etcd.log")).isRegularFile();
      try (Etcd again = Etcd.builder().dataDir(dir).clientPort(port).build().start()) {
        assertThat(get(again, "k")).isEqualTo("kept");
      }
    } finally {
      TempDirs.delete(dir);
    }
  }

  private static void put(Etcd etcd, String key, String value) throws Exception {
    Http.Response r = Http.to(etcd.clientUrl()).post("/v3/kv/put",
        "{\"key\":\"%s\",\"value\":\"%s\"}".formatted(b64(key), b64(value)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private static String get(Etcd etcd, String key) throws Exception {
    Http.Response r = Http.to(etcd.clientUrl()).post("/v3/kv/range", "{\"key\":\"%s\"}".formatted(b64(key)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return new String(Base64.getDecoder().decode(r.json().path("kvs").path(0).path("value").asText()),
        StandardCharsets.UTF_8);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
