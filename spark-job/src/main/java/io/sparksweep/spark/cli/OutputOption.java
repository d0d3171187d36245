package io.sparksweep.spark.cli;

import picocli.CommandLine.Option;

/** The {@code --output} option shared by the subcommands. */
final class OutputOption {

    static final String DEFAULT = "sparksweep-output";

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = DEFAULT,
            description = "Where the leaderboard, epochs and models live: a folder or a Hadoop URI (default: ${DEFAULT-VALUE} in the working directory).")
    String output;
}
