package io.kcdc.upstream.pd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceSafePointsTest {
  private final ServiceSafePoints ssp = new ServiceSafePoints();

  @Test
  void minimumOverLiveServices() {
    assertThat(ssp.update("ticdc-a", 100, 50, 1_000).min().safePoint()).isEqualTo(50);
    ServiceSafePoints.Result r = ssp.update("ticdc-b", 10, 70, 1_000);
    assertThat(r.updated()).isTrue();
    assertThat(r.min().serviceId()).isEqualTo("ticdc-a");
    assertThat(ssp.update("ticdc-a", 100, 90, 1_000).min().serviceId()).isEqualTo("ticdc-b");
    // ticdc-b's TTL ends at 1010.
    assertThat(ssp.min(1_010).serviceId()).isEqualTo("ticdc-a");
  }

  @Test
  void refusesToMoveBelowMinimumAndRemovesOnZeroTtl() {
    ssp.update("a", 100, 50, 0);
    ServiceSafePoints.Result r = ssp.update("b", 100, 40, 0);
    assertThat(r.updated()).isFalse();
    assertThat(r.min().safePoint()).isEqualTo(50);
    assertThat(ssp.update("a", 0, 0, 0).min()).isNull();
  }

  @Test
  void hugeTtlNeverExpires() {
    ssp.update("a", Long.MAX_VALUE, 5, 1_000);
    assertThat(ssp.min(Long.MAX_VALUE - 1).expiresAtSeconds()).isEqualTo(Long.MAX_VALUE);
  }
}
