"""The devplan benchmark suite (see bench/README.md)."""
