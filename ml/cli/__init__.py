"""Command-line entry points of the ml library (registered under ``innovalogix.cli``)."""
