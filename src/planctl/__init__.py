"""planctl: track improvement action plans kept as YAML in git."""

__version__ = "0.4.2"
