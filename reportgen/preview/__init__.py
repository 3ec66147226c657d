"""The live preview of reportgen serve: the watcher (watchfiles), the server, and its static files."""
