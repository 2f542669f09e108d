"""Seeded mutation fuzzing of the fixture site: `python -m tests.fuzz --iterations 10000 --seed 1`."""
