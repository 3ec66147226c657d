"""``reportgen build``: the command's arguments → the build pipeline (``build/pipeline.py``) → its report.

The command is the pipeline run whole; other commands (``merge``, ``serve``) use the pipeline's stages directly,
never this module.
"""

from __future__ import annotations

from reportgen.publish.pipeline import BuildReport, Shard, build

__all__ = ["BuildReport", "Shard", "build"]
