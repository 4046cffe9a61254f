package io.kcdc.upstream.kv;

/** One write of a transaction: a put of {@code value}, or a delete when {@code value} is null. */
public record Mutation(byte[] rawKey, byte[] value) {
  public static Mutation put(byte[] rawKey, byte[] value) {
    return new Mutation(rawKey, value);
  }

  public static Mutation delete(byte[] rawKey) {
    return new Mutation(rawKey, null);
  }

  public boolean isDelete() {
    return value == null;
  }
}
