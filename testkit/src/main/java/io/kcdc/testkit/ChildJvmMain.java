package io.kcdc.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The entry point of every {@link ChildJvm}: {@code <parent pid> <main class> <args...>}. It
 * halts the child as soon as the parent JVM is gone (a test run killed midway must not leave
 * brokers and captures running on a shared machine), then runs the real main class.
 */
public final class ChildJvmMain {
  private ChildJvmMain() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: ChildJvmMain <parent pid> <main class> [args...]");
    }
    long parent = Long.parseLong(args[0]);
    ProcessHandle.of(parent).ifPresentOrElse(
        p -> p.onExit().thenRun(() -> halt("parent JVM " + parent + " is gone")),
        () -> halt("parent JVM " + parent + " is already gone"));
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void halt(String why) {
    System.err.println("[ChildJvmMain] " + why + ": halting");
    Runtime.getRuntime().halt(1);
  }
}
