package io.dbautopilot.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable, order-preserving label map that many points can share (no copy per point); serializes as a plain
 * JSON object like any other map.
 */
public final class LabelSet extends AbstractMap<String, String> {

    /** The empty label set. */
    public static final LabelSet EMPTY = new LabelSet(new String[0]);

    private final String[] pairs; // key0, value0, key1, value1, ... with unique, non-null keys and non-null values
    private int hash;

    private LabelSet(String[] pairs) {
        this.pairs = pairs;
    }

    /**
     * A label set of {@code base} followed by the {@code key, value} pairs in {@code labels}; a key given again
     * replaces its value in place, a null value becomes the empty string.
     *
     * @param base   labels first in the set; may be empty
     * @param labels key, value pairs; an odd trailing element is ignored
     * @return the set
     */
    public static LabelSet of(LabelSet base, String... labels) {
        int extra = labels.length / 2;
        if (extra == 0) {
            return base;
        }
        String[] all = new String[base.pairs.length + 2 * extra];
        System.arraycopy(base.pairs, 0, all, 0, base.pairs.length);
        int size = base.pairs.length;
        for (int i = 0; i + 1 < labels.length; i += 2) {
            String key = Objects.requireNonNull(labels[i], "label keys must not be null");
            String value = labels[i + 1] == null ? "" : labels[i + 1];
            int at = indexOf(all, size, key);
            if (at >= 0) {
                all[at + 1] = value;
            } else {
                all[size++] = key;
                all[size++] = value;
            }
        }
        return new LabelSet(size == all.length ? all : java.util.Arrays.copyOf(all, size));
    }

    /**
     * A label set with the entries of a map, in its iteration order.
     *
     * @param labels the labels; null values are rejected
     * @return the set
     */
    public static LabelSet copyOf(Map<String, String> labels) {
        if (labels instanceof LabelSet set) {
            return set;
        }
        if (labels == null || labels.isEmpty()) {
            return EMPTY;
        }
        String[] all = new String[labels.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            all[i++] = Objects.requireNonNull(e.getKey(), "label keys must not be null");
            all[i++] = Objects.requireNonNull(e.getValue(), "labels must not contain a null value (key '" + e.getKey() + "')");
        }
        return new LabelSet(all);
    }

    /**
     * Whether this set holds exactly these {@code key, value} pairs after its first {@code baseSize} entries, so a
     * caller can reuse it for the next point with the same labels.
     *
     * @param baseSize number of leading entries that came from the base set
     * @param labels   key, value pairs as given to {@link #of}
     * @return true if {@code of(base, labels)} would equal this set
     */
    public boolean endsWith(int baseSize, String... labels) {
        if (pairs.length != 2 * baseSize + (labels.length & ~1)) {
            return false;
        }
        for (int i = 0, j = 2 * baseSize; i + 1 < labels.length; i += 2, j += 2) {
            String value = labels[i + 1] == null ? "" : labels[i + 1];
            if (!pairs[j].equals(labels[i]) || !pairs[j + 1].equals(value)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(String[] pairs, int size, Object key) {
        for (int i = 0; i < size; i += 2) {
            if (pairs[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return pairs.length / 2;
    }

    @Override
    public boolean isEmpty() {
        return pairs.length == 0;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(pairs, pairs.length, key) >= 0;
    }

    @Override
    public String get(Object key) {
        int at = indexOf(pairs, pairs.length, key);
        return at < 0 ? null : pairs[at + 1];
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < pairs.length;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (next >= pairs.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, String> e = new SimpleImmutableEntry<>(pairs[next], pairs[next + 1]);
                        next += 2;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return pairs.length / 2;
            }
        };
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            for (int i = 0; i < pairs.length; i += 2) {
                h += pairs[i].hashCode() ^ pairs[i + 1].hashCode();
            }
            hash = h;
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof LabelSet other) {
            return java.util.Arrays.equals(pairs, other.pairs) || super.equals(o);
        }
        return super.equals(o);
    }
}
