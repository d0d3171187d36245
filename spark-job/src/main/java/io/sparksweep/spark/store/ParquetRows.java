package io.sparksweep.spark.store;

import io.sparksweep.core.result.Column;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes and reads small Parquet files from the driver, without a Spark job: written under a hidden
 * temporary name (readers skip names starting with '_') and renamed into place, so a reader sees a
 * whole file or none. Columns named in {@code partitionColumns} are left out: their folder names carry them.
 */
final class ParquetRows {

    private ParquetRows() {
    }

    private static MessageType schema(List<Column> columns, List<String> partitionColumns) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (Column c : columns) {
            if (partitionColumns.contains(c.name())) {
                continue;
            }
            switch (c.type()) {
                case STRING -> b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c.name());
                case INT -> b.optional(PrimitiveTypeName.INT32).named(c.name());
                case LONG -> b.optional(PrimitiveTypeName.INT64).named(c.name());
                case DOUBLE -> b.optional(PrimitiveTypeName.DOUBLE).named(c.name());
                case TIMESTAMP -> b.optional(PrimitiveTypeName.INT64)
                        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named(c.name());
            }
        }
        return b.named("row");
    }

    /** Replaces {@code target} with a file holding {@code rows} (each in {@code columns} order). */
    static void write(Configuration conf, Path target, List<Column> columns, List<String> partitionColumns,
                      List<List<Object>> rows) throws IOException {
        MessageType schema = schema(columns, partitionColumns);
        SimpleGroupFactory factory = new SimpleGroupFactory(schema);
        List<Group> groups = new ArrayList<>();
        for (List<Object> row : rows) {
            Group g = factory.newGroup();
            for (int i = 0; i < columns.size(); i++) {
                Column c = columns.get(i);
                Object v = row.get(i);
                if (v == null || partitionColumns.contains(c.name())) {
                    continue;
                }
                switch (c.type()) {
                    case STRING -> g.append(c.name(), v.toString());
                    case INT -> g.append(c.name(), ((Number) v).intValue());
                    case LONG -> g.append(c.name(), ((Number) v).longValue());
                    case DOUBLE -> g.append(c.name(), ((Number) v).doubleValue());
                    case TIMESTAMP -> g.append(c.name(), ChronoUnit.MICROS.between(Instant.EPOCH, (Instant) v));
                }
            }
            groups.add(g);
        }
        replace(conf, target, schema, groups);
    }

    /** Rewrites one file with {@code column} set to {@code value} (null to clear it) in every row. */
    static void setColumn(Configuration conf, Path file, List<Column> columns, List<String> partitionColumns,
                          String column, String value) throws IOException {
        List<List<Object>> rows = new ArrayList<>();
        for (Map<String, Object> row : read(conf, file)) {
            row.put(column, value);
            rows.add(columns.stream().map(c -> row.get(c.name())).toList());
        }
        write(conf, file, columns, partitionColumns, rows);
    }

    /**
     * The rows of one file, each as column name to value (String, Integer, Long, Double, or Instant for
     * timestamps); a null value is left out of its map.
     */
    static List<Map<String, Object>> read(Configuration conf, Path file) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
                GroupType type = g.getType();
                Map<String, Object> row = new HashMap<>();
                for (int f = 0; f < type.getFieldCount(); f++) {
                    if (g.getFieldRepetitionCount(f) > 0) {
                        row.put(type.getFieldName(f), value(g, f, type.getType(f).asPrimitiveType(), file));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static Object value(Group g, int field, PrimitiveType type, Path file) throws IOException {
        return switch (type.getPrimitiveTypeName()) {
            case BINARY -> g.getString(field, 0);
            case INT32 -> g.getInteger(field, 0);
            case INT64 -> type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation
                    ? Instant.EPOCH.plus(g.getLong(field, 0), ChronoUnit.MICROS) : g.getLong(field, 0);
            case DOUBLE -> g.getDouble(field, 0);
            default -> throw new IOException("column " + type.getName() + " of " + file + " has a type this reader does not know: "
                    + type.getPrimitiveTypeName());
        };
    }

    /** Writes {@code rows} under a hidden temporary name beside {@code target}, then renames it into place. */
    private static void replace(Configuration conf, Path target, MessageType schema, List<Group> rows) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        Path tmp = new Path(target.getParent(), "_tmp-" + UUID.randomUUID() + ".parquet");
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(tmp).withConf(conf).withType(schema)
                .withCompressionCodec(CompressionCodecName.SNAPPY).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (Group g : rows) {
                writer.write(g);
            }
        }
        // Local and HDFS renames do not overwrite: the old file goes first. A reader in that instant
        // misses the row; it never sees part of one.
        if (fs.exists(target) && !fs.delete(target, false)) {
            throw new IOException("cannot replace " + target);
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
    }
}
