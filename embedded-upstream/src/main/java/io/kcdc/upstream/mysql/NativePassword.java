package io.kcdc.upstream.mysql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * {@code mysql_native_password}: the client sends {@code SHA1(pw) XOR SHA1(scramble +
 * SHA1(SHA1(pw)))}; an empty password is an empty response.
 */
final class NativePassword {
  static final String PLUGIN = "mysql_native_password";
  private static final SecureRandom RANDOM = new SecureRandom();

  private NativePassword() {}

  /** 20 printable non-NUL bytes, as servers send them. */
  static byte[] newScramble() {
    byte[] s = new byte[20];
    for (int i = 0; i < s.length; i++) {
      s[i] = (byte) (33 + RANDOM.nextInt(94));
    }
    return s;
  }

  static byte[] scramble(String password, byte[] seed) {
    if (password.isEmpty()) {
      return new byte[0];
    }
    byte[] stage1 = sha1(password.getBytes(StandardCharsets.UTF_8));
    byte[] stage2 = sha1(stage1);
    byte[] seeded = Arrays.copyOf(seed, seed.length + stage2.length);
    System.arraycopy(stage2, 0, seeded, seed.length, stage2.length);
    byte[] mask = sha1(seeded);
    for (int i = 0; i < stage1.length; i++) {
      stage1[i] ^= mask[i];
    }
    return stage1;
  }

  static boolean matches(String password, byte[] seed, byte[] response) {
    return MessageDigest.isEqual(scramble(password, seed), response);
  }

  private static byte[] sha1(byte[] in) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(in);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
