package io.rekey.schema.text;

/**
 * Text that came from a message (ids, names, reasons quoting them) made safe to log or to put in a one-line reason:
 * line breaks, Unicode line and paragraph separators and every other control character (ANSI escapes included) become
 * one space, so untrusted text cannot start a forged log line or recolour a terminal.
 */
public final class Untrusted {

    private Untrusted() {
    }

    /** {@code text} on one line; null stays null. */
    public static String oneLine(String text) {
        return text == null ? null : text.replaceAll("[\\s\\p{Cc}\\p{Zl}\\p{Zp}]+", " ").trim();
    }
}
