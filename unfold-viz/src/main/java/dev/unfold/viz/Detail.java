package dev.unfold.viz;

/** How much of each cell a drawing shows: the cell as one node, or its operations. */
public enum Detail {
    /** One node per cell, as the book's figures draw it. */
    STEP,
    /** Each cell opened into its gate operations (laid out by the Eclipse Layout Kernel). */
    CELL
}
