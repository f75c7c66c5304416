package dev.unfold.cli;

import dev.unfold.nn.CellType;
import picocli.CommandLine;

/** Parses {@code --cell} values, listing the known cells when one is unknown. */
final class CellConverter implements CommandLine.ITypeConverter<CellType> {
    @Override
    public CellType convert(String value) {
        try {
            return CellType.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
