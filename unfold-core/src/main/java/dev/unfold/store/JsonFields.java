package dev.unfold.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Locale;

/**
 * Strict reads of the fields of a JSON object: each names the field's path in its complaint, so a damaged
 * manifest is reported as what is wrong where, never as a parser's exception.
 */
final class JsonFields {
    private final JsonObject object;
    private final String path;

    JsonFields(JsonObject object, String path) {
        this.object = object;
        this.path = path;
    }

    /** Thrown for a field that is missing or not what it must be. */
    static final class Problem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Problem(String message) {
            super(message);
        }
    }

    private String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private JsonElement required(String key) {
        JsonElement e = object.get(key);
        if (e == null || e.isJsonNull()) {
            throw new Problem("field '" + at(key) + "' is missing");
        }
        return e;
    }

    boolean has(String key) {
        JsonElement e = object.get(key);
        return e != null && !e.isJsonNull();
    }

    JsonFields object(String key) {
        JsonElement e = required(key);
        if (!e.isJsonObject()) {
            throw new Problem("field '" + at(key) + "' is not an object");
        }
        return new JsonFields(e.getAsJsonObject(), at(key));
    }

    JsonArray array(String key) {
        JsonElement e = required(key);
        if (!e.isJsonArray()) {
            throw new Problem("field '" + at(key) + "' is not a list");
        }
        return e.getAsJsonArray();
    }

    String string(String key) {
        JsonElement e = required(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new Problem("field '" + at(key) + "' is not a string");
        }
        return e.getAsString();
    }

    double number(String key, double min, double max) {
        JsonElement e = required(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new Problem("field '" + at(key) + "' is not a number");
        }
        double v = e.getAsDouble();
        if (!Double.isFinite(v) || v < min || v > max) {
            throw new Problem("field '" + at(key) + "' is " + v + ", must be a finite number in [" + min + ", " + max + "]");
        }
        return v;
    }

    long integer(String key, long min, long max) {
        JsonElement e = required(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new Problem("field '" + at(key) + "' is not a number");
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        java.math.BigDecimal d;
        try {
            d = p.getAsBigDecimal();
        } catch (NumberFormatException ex) {
            throw new Problem("field '" + at(key) + "' is not a number");
        }
        if (d.stripTrailingZeros().scale() > 0) {
            throw new Problem("field '" + at(key) + "' is " + d.toPlainString() + ", must be a whole number");
        }
        if (d.compareTo(java.math.BigDecimal.valueOf(min)) < 0 || d.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
            throw new Problem("field '" + at(key) + "' is " + d.toPlainString() + ", must be in [" + min + ", " + max + "]");
        }
        return d.longValueExact();
    }

    boolean bool(String key) {
        JsonElement e = required(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new Problem("field '" + at(key) + "' is not true or false");
        }
        return e.getAsBoolean();
    }

    int integer(String key, int min, int max) {
        return (int) integer(key, (long) min, (long) max);
    }

    <E extends Enum<E>> E choice(String key, Class<E> type) {
        String s = string(key);
        for (E c : type.getEnumConstants()) {
            if (c.name().toLowerCase(Locale.ROOT).equals(s)) {
                return c;
            }
        }
        throw new Problem("field '" + at(key) + "' is '" + dev.unfold.io.SafeText.clip(s) + "', not one of " + names(type));
    }

    static <E extends Enum<E>> String name(E e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> String names(Class<E> type) {
        StringBuilder sb = new StringBuilder();
        for (E c : type.getEnumConstants()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(name(c));
        }
        return sb.toString();
    }
}
