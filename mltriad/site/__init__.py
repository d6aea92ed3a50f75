"""The triad site: an MkDocs plugin that turns a repository's artifacts into pages."""
