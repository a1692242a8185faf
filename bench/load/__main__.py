"""`python -m bench.load [--scale S] [--rates 100,500] [--seconds N]`: the load test alone."""

from __future__ import annotations

import argparse
import os

from bench.load import measure

parser = argparse.ArgumentParser()
parser.add_argument("--scale", type=float, default=0.05)
parser.add_argument("--rates", default="100,500")
parser.add_argument("--seconds", type=float, default=None)
args = parser.parse_args()
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/eldercare_bench_load")
measure(args.scale, tuple(int(r) for r in args.rates.split(",")), args.seconds)
