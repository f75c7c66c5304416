package dev.unfold.nn;

/** Which graph of a model is wanted: the training graph, with its dropout and zoneout masks, or the evaluation graph, without. */
public enum Phase { TRAINING, EVALUATION }
