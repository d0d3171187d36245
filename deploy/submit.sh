#!/usr/bin/env bash
# Submits a sweep to a real cluster with $SPARK_HOME/bin/spark-submit, the application jar and conf/.
#
#   deploy/submit.sh [spark-submit options] -- SWEEP_FILE [sparksweep run options]
#
# Examples:
#   deploy/submit.sh --master spark://10.0.0.5:7077 -- conf/sweeps/tutorial.yaml --output hdfs:///sweeps
#   deploy/submit.sh --master yarn --deploy-mode client --num-executors 8 --executor-cores 2 \
#       -- conf/sweeps/tutorial.yaml --output hdfs:///user/me/sweeps
#   deploy/submit.sh --master k8s://https://k8s.example:6443 --deploy-mode cluster \
#       --conf spark.kubernetes.container.image=registry.example/sparksweep:0.1.0 \
#       --conf spark.kubernetes.executor.podTemplateFile=deploy/kubernetes/executor-pod.yaml \
#       -- local:///opt/sparksweep/conf/sweeps/tutorial.yaml --output s3a://bucket/sweeps
# GPU executors: add --properties-file conf/spark-defaults-gpu.conf (see deploy/README.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 (Scala 2.12) installation}"

submit_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  submit_args+=("$1")
  shift
done
[ "${1:-}" = "--" ] || { echo "usage: deploy/submit.sh [spark-submit options] -- SWEEP_FILE [run options]" >&2; exit 2; }
shift
[ $# -ge 1 ] || { echo "usage: deploy/submit.sh [spark-submit options] -- SWEEP_FILE [run options]" >&2; exit 2; }

jar="$here/spark-job/target/sparksweep.jar"
if [ ! -f "$jar" ]; then
  (cd "$here" && mvn -q -B -DskipTests package)
fi

properties=(--properties-file "$here/conf/spark-defaults.conf")
for a in "${submit_args[@]}"; do
  [ "$a" = "--properties-file" ] && properties=()
done

exec "$SPARK_HOME/bin/spark-submit" \
  --class io.sparksweep.spark.cli.SparkSweepCli \
  "${properties[@]}" \
  --files "$here/conf/log4j2.properties" \
  --driver-java-options "-Dlog4j2.configurationFile=$here/conf/log4j2.properties" \
  "${submit_args[@]}" \
  "$jar" run "$@"
