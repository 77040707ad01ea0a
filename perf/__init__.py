"""Benchmarks: `sendpath bench` seeds a database at a chosen scale and times the key pages."""
