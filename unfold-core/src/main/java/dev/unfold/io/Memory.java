package dev.unfold.io;

/** The heap this JVM may still use, and how to give it more. */
public final class Memory {
    private Memory() {
    }

    /** Bytes the heap can still grow into: the maximum heap less what is in use. */
    public static long available() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /** The maximum heap, in bytes. */
    public static long limit() {
        return Runtime.getRuntime().maxMemory();
    }

    /** What a user can do about a shortage. */
    public static String advice() {
        return "the heap is limited to " + (limit() >> 20) + " MiB; give the JVM more with -Xmx, for the unfold command UNFOLD_JAVA_OPTS=-Xmx8g";
    }
}
