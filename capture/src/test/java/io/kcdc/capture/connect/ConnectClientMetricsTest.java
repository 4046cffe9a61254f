package io.kcdc.capture.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

class ConnectClientMetricsTest {
  @Test
  void aTaskClientIsTaggedWithTheChangefeedOfItsConnector() {
    assertThat(ConnectClientMetrics.tags("connector-producer-cdc-cf1-0"))
        .isEqualTo(Tags.of("namespace", "default", "changefeed", "cf1"));
    assertThat(ConnectClientMetrics.tags("connector-producer-cdc-tenant2.orders-sync-12"))
        .isEqualTo(Tags.of("namespace", "tenant2", "changefeed", "orders-sync"));
    assertThat(ConnectClientMetrics.tags("connector-adminclient-cdc-cf-2-1"))
        .isEqualTo(Tags.of("namespace", "default", "changefeed", "cf-2"));
  }

  @Test
  void theWorkersOwnClientsAndOtherConnectorsHaveEmptyTags() {
    Tags none = Tags.of("namespace", "", "changefeed", "");
    assertThat(ConnectClientMetrics.tags("cdc-default-offsets")).isEqualTo(none);
    assertThat(ConnectClientMetrics.tags("connector-producer-mirror-source-0")).isEqualTo(none);
    assertThat(ConnectClientMetrics.tags("")).isEqualTo(none);
  }
}
