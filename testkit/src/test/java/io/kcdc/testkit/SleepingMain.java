package io.kcdc.testkit;

import java.nio.file.Path;

/**
 * A child JVM for {@link ChildJvmIT}: reports its arguments, a system property and its max heap,
 * says when its shutdown hook runs, and with {@code grandchild <log>} starts a child of its own.
 */
public final class SleepingMain {
  private SleepingMain() {}

  public static void main(String[] args) throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
    System.out.println("args=" + String.join(",", args) + " prop=" + System.getProperty("kcdc.test")
        + " maxMemoryMb=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
    if (args.length == 2 && args[0].equals("grandchild")) {
      ChildJvm grandchild = ChildJvm.builder(SleepingMain.class.getName()).maxHeap("32m").log(Path.of(args[1])).start();
      System.out.println("grandchild pid=" + grandchild.pid());
    }
    System.out.println("ready");
    Thread.sleep(Long.MAX_VALUE);
  }
}
