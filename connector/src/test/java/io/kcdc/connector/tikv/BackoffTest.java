package io.kcdc.connector.tikv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(40), Duration.ofMillis(200));

  @Test
  void delaysGrowExponentiallyUpToTheCap() {
    assertThat(backoff.delayMillis(0)).isZero();
    assertThat(backoff.delayMillis(1)).isEqualTo(10);
    assertThat(backoff.delayMillis(2)).isEqualTo(20);
    assertThat(backoff.delayMillis(3)).isEqualTo(40);
    assertThat(backoff.delayMillis(10)).isEqualTo(40);
  }

  @Test
  void retriesUntilSuccess() {
    AtomicInteger calls = new AtomicInteger();
    String r = backoff.retry("op", () -> {
      if (calls.incrementAndGet() < 3) {
        throw new IllegalStateException("not yet");
      }
      return "ok";
    });
    assertThat(r).isEqualTo("ok");
    assertThat(calls).hasValue(3);
  }

  @Test
  void givesUpAfterTheTotalWithTheLastError() {
    assertThatThrownBy(() -> backoff.retry("op", () -> {
      throw new IllegalStateException("down");
    })).isInstanceOf(TikvException.class).hasMessageContaining("op failed").hasMessageContaining("down");
  }

  @Test
  void fatalErrorsAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> backoff.retry("op", () -> {
      calls.incrementAndGet();
      throw new TikvException.Fatal("broken");
    })).isInstanceOf(TikvException.Fatal.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void channelTargetsDropTheScheme() {
    assertThat(ChannelPool.target("http://127.0.0.1:2379/")).isEqualTo("127.0.0.1:2379");
    assertThat(ChannelPool.target(" pd-0:2379 ")).isEqualTo("pd-0:2379");
  }
}
