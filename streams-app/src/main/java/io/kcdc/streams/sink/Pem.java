package io.kcdc.streams.sink;

import static io.kcdc.common.errors.CdcError.KAFKA_INVALID_CONFIG;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PEM files of a TLS sink ({@code ca}, {@code cert}, {@code key}), read into the text Kafka's PEM trust and key
 * stores take. Kafka reads PKCS#8 keys only; a PKCS#1 RSA key (Go's {@code tls.LoadX509KeyPair} takes both) is
 * wrapped into PKCS#8 here, which is a fixed DER prefix and needs no crypto library.
 */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  /** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
      (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

  private Pem() {}

  /** The certificate blocks of a PEM file. */
  static String certificates(String what, String path) {
    StringBuilder out = new StringBuilder();
    Matcher m = BLOCK.matcher(read(what, path));
    while (m.find()) {
      if (m.group(1).equals("CERTIFICATE")) {
        out.append(m.group()).append('\n');
      }
    }
    if (out.isEmpty()) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "the " + what + " file " + path + " holds no PEM certificate");
    }
    return out.toString();
  }

  /** The private key of a PEM file as a PKCS#8 {@code PRIVATE KEY} block. */
  static String privateKey(String path) {
    Matcher m = BLOCK.matcher(read("key", path));
    while (m.find()) {
      switch (m.group(1)) {
        case "PRIVATE KEY" -> {
          return m.group() + "\n";
        }
        case "RSA PRIVATE KEY" -> {
          if (m.group(2).contains("Proc-Type:")) {
            throw encrypted(path);
          }
          return pkcs8Pem(rsaPkcs8(Base64.getMimeDecoder().decode(m.group(2).trim())));
        }
        case "ENCRYPTED PRIVATE KEY" -> throw encrypted(path);
        case "EC PRIVATE KEY" -> throw new SinkConfigException(KAFKA_INVALID_CONFIG, "the key file " + path
            + " holds a SEC1 EC key; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt -in <key> -out <key>)");
        default -> { } // a certificate or parameters next to the key
      }
    }
    throw new SinkConfigException(KAFKA_INVALID_CONFIG, "the key file " + path + " holds no PEM private key");
  }

  private static SinkConfigException encrypted(String path) {
    return new SinkConfigException(KAFKA_INVALID_CONFIG, "the key file " + path + " is encrypted; the sink takes "
        + "unencrypted keys only");
  }

  /** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING { the PKCS#1 RSAPrivateKey } }. */
  static byte[] rsaPkcs8(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(VERSION_0);
    body.writeBytes(RSA_ALGORITHM);
    body.writeBytes(der(0x04, pkcs1));
    return der(0x30, body.toByteArray());
  }

  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static String pkcs8Pem(byte[] der) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static String read(String what, String path) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "cannot read the TLS " + what + " file " + path + ": " + e,
          e);
    }
  }
}
