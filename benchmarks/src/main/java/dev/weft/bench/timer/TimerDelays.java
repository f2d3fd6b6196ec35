package dev.weft.bench.timer;

import java.util.SplittableRandom;

/** The random delays every contender of a timer benchmark is given: the same sequence for all. */
final class TimerDelays {
    private TimerDelays() {
    }

    /** {@code count} delays in milliseconds, uniform in [minMillis, maxMillis], from a fixed seed. */
    static long[] millis(int count, long minMillis, long maxMillis) {
        if (count <= 0 || minMillis < 0 || maxMillis < minMillis) {
            throw new IllegalArgumentException("bad delay spec: count=" + count + " min=" + minMillis + " max=" + maxMillis);
        }
        SplittableRandom rnd = new SplittableRandom(0x7153L);
        long[] d = new long[count];
        for (int i = 0; i < count; i++) {
            d[i] = minMillis + rnd.nextLong(maxMillis - minMillis + 1);
        }
        return d;
    }
}
