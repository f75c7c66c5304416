package dev.unfold.nn;

/** One carried state of a cell: its name ({@code h}, {@code c}, {@code o}) and width. */
public record StateSpec(String name, int size) {
}
