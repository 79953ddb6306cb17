package io.dbautopilot.performance.detect.statistical;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The recent history of one series on a fixed time grid: one reading per slot (the last one seen in it) in a ring
 * of {@code capacity} slots, empty slots NaN. A fixed grid needs no timestamps, so the history of weeks is a few KB
 * (float values, deflated) and survives a restart as one {@code bytea}. Not thread-safe: the owner synchronises.
 */
public final class SlotSeries {

    private static final byte VERSION = 1;

    private final long slotSeconds;
    private final float[] ring;
    private long firstSlot = Long.MIN_VALUE;
    private long lastSlot = Long.MIN_VALUE;

    /** An empty series of {@code capacity} slots of {@code slotSeconds} each. */
    public SlotSeries(long slotSeconds, int capacity) {
        if (slotSeconds <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("slot length and capacity must be positive");
        }
        this.slotSeconds = slotSeconds;
        this.ring = new float[capacity];
        Arrays.fill(ring, Float.NaN);
    }

    /** The slot an instant falls in. */
    public long slotOf(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), slotSeconds);
    }

    /** The start of a slot. */
    public Instant startOf(long slot) {
        return Instant.ofEpochSecond(slot * slotSeconds);
    }

    /** How many slots the ring holds. */
    public int capacity() {
        return ring.length;
    }

    /** Slot length in seconds. */
    public long slotSeconds() {
        return slotSeconds;
    }

    /** Records a reading (replacing an earlier one of the same slot); a reading older than the newest slot is ignored. */
    public void record(Instant at, double value) {
        long slot = slotOf(at);
        if (lastSlot != Long.MIN_VALUE && slot < lastSlot) {
            return;
        }
        if (lastSlot != Long.MIN_VALUE) {
            for (long s = lastSlot + 1; s < slot && s <= lastSlot + ring.length; s++) {
                ring[index(s)] = Float.NaN; // a gap: slots skipped since the last reading hold nothing
            }
        }
        ring[index(slot)] = (float) value;
        if (firstSlot == Long.MIN_VALUE) {
            firstSlot = slot;
        }
        lastSlot = slot;
    }

    /** The oldest slot still held, or {@link Long#MIN_VALUE} if empty. */
    public long oldestSlot() {
        return lastSlot == Long.MIN_VALUE ? Long.MIN_VALUE : Math.max(firstSlot, lastSlot - ring.length + 1);
    }

    /** The first slot ever recorded (the series' age survives the ring wrapping), or {@link Long#MIN_VALUE}. */
    public long firstSlot() {
        return firstSlot;
    }

    /** The newest slot recorded, or {@link Long#MIN_VALUE}. */
    public long newestSlot() {
        return lastSlot;
    }

    /** The reading of a slot, NaN if none or no longer held. */
    public double valueAt(long slot) {
        if (lastSlot == Long.MIN_VALUE || slot > lastSlot || slot < oldestSlot()) {
            return Double.NaN;
        }
        return ring[index(slot)];
    }

    /** How many slots hold a reading. */
    public int size() {
        int n = 0;
        for (long s = oldestSlot(); lastSlot != Long.MIN_VALUE && s <= lastSlot; s++) {
            if (!Float.isNaN(ring[index(s)])) {
                n++;
            }
        }
        return n;
    }

    private int index(long slot) {
        return (int) Math.floorMod(slot, (long) ring.length);
    }

    /** The compact binary form: header, then the held slots' floats, deflated. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(bytes))) {
            out.writeByte(VERSION);
            out.writeLong(slotSeconds);
            out.writeInt(ring.length);
            out.writeLong(firstSlot);
            out.writeLong(lastSlot);
            if (lastSlot != Long.MIN_VALUE) {
                for (long s = oldestSlot(); s <= lastSlot; s++) {
                    out.writeFloat(ring[index(s)]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads {@link #encode()}'s form into a series of the given grid: the stored readings are kept when the slot
     * length matches (a changed capacity keeps the newest that fit); a changed slot length starts afresh.
     */
    public static SlotSeries decode(byte[] data, long slotSeconds, int capacity) {
        SlotSeries out = new SlotSeries(slotSeconds, capacity);
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(data)))) {
            if (in.readByte() != VERSION) {
                return out;
            }
            long storedSlot = in.readLong();
            int storedCapacity = in.readInt();
            long first = in.readLong();
            long last = in.readLong();
            if (storedSlot != slotSeconds || last == Long.MIN_VALUE) {
                return out;
            }
            long oldest = Math.max(first, last - storedCapacity + 1);
            for (long s = oldest; s <= last; s++) {
                float v = in.readFloat();
                if (!Float.isNaN(v)) {
                    out.record(out.startOf(s), v);
                }
            }
            out.firstSlot = first;
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("bad stored series: " + e.getMessage(), e);
        }
    }
}
