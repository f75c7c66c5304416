package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.op.Leaf;
import dev.unfold.op.Op;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every computed primitive of the sealed op vocabulary has exactly one single-precision lowering. */
class LoweringsTest {
    @Test
    void everySealedOpButTheLeafHasALowering() {
        Set<Class<?>> computed = Arrays.stream(Op.class.getPermittedSubclasses()).filter(c -> c != Leaf.class).collect(Collectors.toSet());
        Set<Class<?>> missing = computed.stream().filter(c -> !Lowerings.lowered().contains(c)).collect(Collectors.toSet());
        assertTrue(missing.isEmpty(), "ops without a lowering: " + missing);
        assertEquals(computed, Set.copyOf(Lowerings.lowered()), "the table lowers exactly the computed ops");
    }
}
