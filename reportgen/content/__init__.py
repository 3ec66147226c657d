"""Content files → a validated Project: source positions, parsing, explaining errors, validation, the document
cache, assembling the project; each module imports only those before it in that list."""
