"""`python -m planctl.store.cache` says where the cache is."""

from . import cache_dir

print(cache_dir())
