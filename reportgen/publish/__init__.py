"""Project → output/: options, the artifact cache, the render pool, release policy, the pipeline, the writer."""
