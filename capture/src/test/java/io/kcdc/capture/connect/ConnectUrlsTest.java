package io.kcdc.capture.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectUrlsTest {
  @Test
  void noneMeansTheEmbeddedWorker() {
    assertThat(ConnectUrls.parse(null)).isEmpty();
    assertThat(ConnectUrls.parse(List.of(" "))).isEmpty();
  }

  @Test
  void urlsBecomeBasesThatPathsResolveBelow() {
    List<URI> urls = ConnectUrls.parse(List.of("http://connect-1:8083", "https://gw.example/connect/"));
    assertThat(urls).containsExactly(URI.create("http://connect-1:8083/"), URI.create("https://gw.example/connect/"));
    assertThat(urls.get(0).resolve("connectors/cdc-x/status").toString()).isEqualTo("http://connect-1:8083/connectors/cdc-x/status");
    assertThat(urls.get(1).resolve("connectors").toString()).isEqualTo("https://gw.example/connect/connectors");
  }

  @Test
  void refusesWhatIsNoWorkerUrl() {
    assertThatThrownBy(() -> ConnectUrls.parse(List.of("connect:8083"))).hasMessageContaining("want http://host:port");
    assertThatThrownBy(() -> ConnectUrls.parse(List.of("ftp://connect:8083"))).hasMessageContaining("--connect-url");
    assertThatThrownBy(() -> ConnectUrls.parse(List.of("http://connect:8083/?x=1"))).hasMessageContaining("no query");
  }
}
