"""Bundled corpora (installed as the package data ``textkit.corpora``)."""
