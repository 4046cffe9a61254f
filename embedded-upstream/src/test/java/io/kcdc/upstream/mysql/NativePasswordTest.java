package io.kcdc.upstream.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NativePasswordTest {
  private static final byte[] SEED = "abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII);

  @Test
  void emptyPasswordIsAnEmptyResponse() {
    assertThat(NativePassword.scramble("", SEED)).isEmpty();
    assertThat(NativePassword.matches("", SEED, new byte[0])).isTrue();
    assertThat(NativePassword.matches("", SEED, new byte[20])).isFalse();
  }

  @Test
  void scrambleDependsOnPasswordAndSeed() {
    byte[] r = NativePassword.scramble("secret", SEED);
    assertThat(r).hasSize(20);
    assertThat(NativePassword.matches("secret", SEED, r)).isTrue();
    assertThat(NativePassword.matches("Secret", SEED, r)).isFalse();
    assertThat(NativePassword.matches("secret", NativePassword.newScramble(), r)).isFalse();
  }

  @Test
  void seedIsPrintableWithoutNul() {
    byte[] seed = NativePassword.newScramble();
    assertThat(seed).hasSize(20);
    for (byte b : seed) {
      assertThat(b).isBetween((byte) 33, (byte) 126);
    }
  }
}
