"""City-scale benchmarks: `make bench` (or `python -m bench [name …]`). See bench/README.md."""
