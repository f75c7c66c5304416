package dev.unfold.io;

/**
 * Text from untrusted input (a file's tensor names, a line of a file, a JSON fragment) made fit for a
 * one-line message: control characters and escape sequences shown as a backslash, u and four hex digits, long text cut.
 */
public final class SafeText {
    /** The most characters of untrusted text a message shows. */
    public static final int MAX = 80;

    private SafeText() {
    }

    public static String clip(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(MAX).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return s.codePointCount(0, s.length()) > MAX ? sb + "..." : sb.toString();
    }
}
