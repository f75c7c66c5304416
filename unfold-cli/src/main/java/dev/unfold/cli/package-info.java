/** The {@code unfold} command line (picocli). Sits on top of everything; nothing imports it. */
package dev.unfold.cli;
