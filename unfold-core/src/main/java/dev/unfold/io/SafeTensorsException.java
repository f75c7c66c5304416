package dev.unfold.io;

import java.io.IOException;

/** A safetensors file that breaks the format; the message says how. */
public final class SafeTensorsException extends IOException {
    public SafeTensorsException(String message) {
        super(message);
    }
}
