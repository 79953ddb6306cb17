package io.dbautopilot.model;

import java.util.Locale;

/** Package helper that maps the contract's enums to and from their lower-case JSON form. */
final class WireEnums {

    private WireEnums() {
    }

    static String toWire(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> E fromWire(Class<E> type, String text) {
        if (text == null) {
            return null;
        }
        String wanted = text.trim();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(wanted)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + text + "'");
    }
}
