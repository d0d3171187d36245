package io.sparksweep.core.result;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A table's columns, each with the function that reads its value off a row record: the one place where
 * a column and its value meet, so that no list of values can drift out of step with the column list.
 *
 * @param <R> the row record
 */
public final class RowCodec<R> {

    /** One column and how a row gives its value (String, Integer, Long, Double or Instant; null when absent). */
    public record Field<R>(Column column, Function<R, Object> value) {
    }

    private final List<Field<R>> fields;
    private final List<Column> columns;

    @SafeVarargs
    public RowCodec(Field<R>... fields) {
        this.fields = List.of(fields);
        this.columns = this.fields.stream().map(Field::column).toList();
        if (columns.stream().map(Column::name).distinct().count() != columns.size()) {
            throw new IllegalArgumentException("column names repeat: " + columns);
        }
    }

    public static <R> Field<R> field(String name, Column.Type type, String description, Function<R, Object> value) {
        return new Field<>(new Column(name, type, description), value);
    }

    public List<Column> columns() {
        return columns;
    }

    /** The row's values in column order. */
    public List<Object> values(R row) {
        List<Object> out = new ArrayList<>(fields.size());
        for (Field<R> f : fields) {
            out.add(f.value().apply(row));
        }
        return Arrays.asList(out.toArray());
    }
}
