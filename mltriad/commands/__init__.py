"""What each command does, as plain functions that return results (one module per command).

The Click layer (`mltriad.cli`) parses arguments and calls one function here; `mltriad.report`
renders what it returns.
"""
