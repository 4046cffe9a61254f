package io.kcdc.testkit;

/** Polling loops' pause; an interrupt ends the pause and stays set for the loop to see. */
final class Sleep {
  private Sleep() {}

  static void millis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
