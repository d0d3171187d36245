package io.sparksweep.spark.store;

import io.sparksweep.core.result.Column;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes and reads small Parquet files without a Spark job (on the driver or inside a task): written under a
 * hidden temporary name (readers skip names starting with '_') and swapped into place, so a reader sees a
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
        // The file reader itself, with the caller's settings: ParquetReader's builders make fresh Hadoop settings
        // for every file, parsing Hadoop's XML defaults each time.
        try (ParquetFileReader reader = ParquetFileReader.open(new FsInputFile(raw(file.getFileSystem(conf)), file),
                HadoopReadOptions.builder(conf).build())) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
            for (PageReadStore pages = reader.readNextRowGroup(); pages != null; pages = reader.readNextRowGroup()) {
                RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema));
                for (long i = 0; i < pages.getRowCount(); i++) {
                    Group g = records.read();
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

    /** Writes {@code rows} under a hidden temporary name beside {@code target}, then swaps it into place. */
    private static void replace(Configuration conf, Path target, MessageType schema, List<Group> rows) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        Path tmp = temporary(target);
        // A row file is mostly metadata: no dictionaries and no codec to set up for a few values.
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new FsOutputFile(raw(fs), tmp)).withConf(conf).withType(schema)
                .withCompressionCodec(CompressionCodecName.UNCOMPRESSED).withDictionaryEncoding(false)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (Group g : rows) {
                writer.write(g);
            }
        }
        swap(fs, tmp, target);
    }

    /** What writes a file's bytes. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Replaces {@code target} with a file holding {@code content}, written aside first and swapped in. */
    static void replaceWith(Configuration conf, Path target, Content content) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        Path tmp = temporary(target);
        try (FSDataOutputStream out = raw(fs).create(tmp, true)) {
            content.writeTo(out);
        }
        swap(fs, tmp, target);
    }

    /**
     * The file system without its checksum files, for writing and reading whole small files: on the local
     * file system every file would get a {@code .crc} beside it, and every open would look for one. Renames and
     * deletes still go through {@code fs}, which moves and removes the checksum files of older rows with them.
     */
    private static FileSystem raw(FileSystem fs) {
        return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
    }

    private record FsOutputFile(FileSystem fs, Path path) implements OutputFile {
        @Override
        public PositionOutputStream create(long blockSizeHint) throws IOException {
            return HadoopStreams.wrap(fs.create(path, false));
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
            return HadoopStreams.wrap(fs.create(path, true));
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }

    private record FsInputFile(FileSystem fs, Path path) implements InputFile {
        @Override
        public long getLength() throws IOException {
            return fs.getFileStatus(path).getLen();
        }

        @Override
        public SeekableInputStream newStream() throws IOException {
            return HadoopStreams.wrap(fs.open(path));
        }
    }

    private static Path temporary(Path target) {
        return new Path(target.getParent(), TMP_PREFIX + UUID.randomUUID() + "-" + target.getName());
    }

    static final String TMP_PREFIX = "_tmp-";
    static final String OLD_PREFIX = "_old-";

    /** Test hook: runs between the two renames of a replacement, where a kill used to lose the committed file. */
    static volatile Runnable betweenRenames = () -> { };

    /**
     * Moves the finished file {@code tmp} to {@code target}. Renames on HDFS (and the generic Hadoop contract)
     * do not overwrite, and deleting the old file first would lose a committed row to a kill in between; so
     * the old file steps aside under a name {@link #recover} knows ({@code _old-NAME}), the new one moves in,
     * and the old one goes. A reader sees the old file, then none for an instant, then the new one; never part
     * of one. After a kill at any point, {@link #recover} leaves exactly one whole file at {@code target}.
     */
    private static void swap(FileSystem fs, Path tmp, Path target) throws IOException {
        if (!fs.exists(target)) {
            rename(fs, tmp, target);
            return;
        }
        Path old = new Path(target.getParent(), OLD_PREFIX + target.getName());
        fs.delete(old, false);
        rename(fs, target, old);
        betweenRenames.run();
        rename(fs, tmp, target);
        fs.delete(old, false);
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }

    /**
     * Finishes or undoes the replacements a killed process left in {@code dir}: an old file whose
     * replacement did not arrive goes back into place (the committed state), one whose replacement did
     * is deleted, and unfinished temporary files are removed. Only the process that owns the sweep calls it.
     *
     * @return how many files it restored
     */
    static int recover(FileSystem fs, Path dir) throws IOException {
        if (!fs.exists(dir)) {
            return 0;
        }
        int restored = 0;
        for (FileStatus f : fs.listStatus(dir)) {
            String name = f.getPath().getName();
            if (name.startsWith(OLD_PREFIX)) {
                Path target = new Path(dir, name.substring(OLD_PREFIX.length()));
                if (fs.exists(target)) {
                    fs.delete(f.getPath(), false);
                } else {
                    rename(fs, f.getPath(), target);
                    restored++;
                }
            } else if (name.startsWith(TMP_PREFIX)) {
                fs.delete(f.getPath(), false);
            }
        }
        return restored;
    }
}
