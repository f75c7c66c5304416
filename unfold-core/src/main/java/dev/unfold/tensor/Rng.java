package dev.unfold.tensor;

import java.util.Random;

/**
 * A seeded random generator whose whole state is one {@code long} (SplitMix64), so a checkpoint can save
 * it and a resumed run draws exactly the numbers an uninterrupted run would have drawn.
 */
public final class Rng extends Random {
    private static final long serialVersionUID = 1L;
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The complete state; {@code new Rng(0).restore(s)} continues this sequence. */
    public long state() {
        return state;
    }

    public Rng restore(long s) {
        this.state = s;
        return this;
    }

    @Override
    public synchronized void setSeed(long seed) {
        this.state = seed;
    }

    @Override
    protected int next(int bits) {
        return (int) (nextLong() >>> (64 - bits));
    }

    @Override
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Standard normal by Box-Muller, without a cached second value, so the state stays one long. */
    @Override
    public double nextGaussian() {
        double u = 1.0 - nextDouble();
        double v = nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
