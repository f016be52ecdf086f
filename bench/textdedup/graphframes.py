"""A stand-in for the `graphframes` package, for bench/textdedup.sh only.

text-dedup's minhash_spark.py finds connected components with GraphFrames,
whose JVM jar comes from Spark Packages (Maven), which this machine cannot
reach. This module gives the one call the script makes,
`GraphFrame(vertices, edges).connectedComponents()`, computed by deboil's
own large-star/small-star rounds in Spark SQL (`deboil.spark`), with
GraphFrames' output: `id` plus `component`, the component's smallest id.
Everything else the script does (hashing, banding, grouping, edges, the
final join) is text-dedup's code as published.
"""

from pyspark.sql import functions as F

from deboil.spark import connected_components


class GraphFrame:
    def __init__(self, vertices, edges):
        self.vertices = vertices
        self.edges = edges

    def connectedComponents(self):  # noqa: N802 (GraphFrames' name)
        roots = connected_components(self.edges.select(F.col("src").alias("u"), F.col("dst").alias("v")))
        return (self.vertices.join(roots, self.vertices["id"] == roots["node"], "left")
                .select("id", F.coalesce("root", "id").alias("component")))
