"""Writing content: what ``new``, ``import`` and ``signoff`` (and later ``fmt`` and the desk) put into content files.

``yamltext`` writes values as staff write them; ``template`` makes a new indicator file (every key under its
description, placeholders to fill in); ``naming`` checks the code and year that name a file; ``bmaimport`` reads a
form exported from the BMA system; ``signoff_edit`` records a sign-off in a file's own text; ``writer`` is the one
writer of content files.
"""
