"""Data generators and benchmarks; figures go to BENCHMARKS.md."""
