#!/usr/bin/env python3
"""Time one whole `liftlab analyze holdout` process on a users CSV written by the peer scripts.

The command does the same statistical work as the peers (two metrics, difference in means,
10,000 resamples, 95% interval) plus what a liftlab run always does: CSV parsing, relative lift,
the sample-ratio check, charts and report.json. compute_s is the wall time of the whole child
process, and peak_rss_mb is the child's peak resident set size from getrusage(RUSAGE_CHILDREN).
NOTE: that peak also counts this wrapper's own memory (about 13 MB), which the child shares until
exec, so it never reads below that. `/usr/bin/time -f %M` measures the binary alone.

Make the input first (users_n{N}_seed1.csv, group 0 control, 1 treatment):
    bootstrap_numpy.py --n N --method poisson_collapsed --write-csv DATA_DIR

Usage: liftlab_case.py --n 100000 [--interval percentile|bca] [--data-dir DIR] [--threads T]
       [--resamples 10000] [--liftlab PATH]
Prints one JSON line in the format run_peers.py reads.
"""
import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_BINARY = HERE.parent.parent / "target" / "release" / "liftlab"
DEFAULT_DATA_DIR = Path("/tmp/liftlab-peers-data")


def build_command(a, data: Path, out: Path):
    cmd = [str(a.liftlab), "--quiet", "analyze", "holdout", "--data", str(data),
           "--group-col", "group", "--control", "0", "--treatment", "1",
           "--metric", "converted", "--metric", "revenue",
           "--resamples", str(a.resamples), "--level", "0.95", "--out", str(out)]
    if a.interval != "percentile":
        cmd += ["--interval", a.interval]
    if a.threads:
        cmd += ["--threads", str(a.threads)]
    return cmd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, required=True, help="users per group in the input CSV")
    ap.add_argument("--interval", default="percentile", choices=["percentile", "bca"])
    ap.add_argument("--resamples", type=int, default=10_000)
    ap.add_argument("--threads", type=int, default=0, help="liftlab --threads; 0 = liftlab's default (all cores)")
    ap.add_argument("--seed", type=int, default=1, help="data seed in the CSV file name")
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    ap.add_argument("--liftlab", type=Path, default=DEFAULT_BINARY, help="liftlab binary (release build)")
    a = ap.parse_args()

    data = a.data_dir / f"users_n{a.n}_seed{a.seed}.csv"
    rec = {"script": "liftlab", "interval": a.interval, "n_per_group": a.n, "resamples": a.resamples,
           "threads": a.threads or "default", "data": str(data)}
    if not data.is_file():
        rec["status"] = "missing-data"
        rec["error"] = (f"input CSV not found: {data}; write it with "
                        f"bootstrap_numpy.py --n {a.n} --method poisson_collapsed --write-csv {a.data_dir}")
        print(json.dumps(rec), flush=True)
        return 1
    if not a.liftlab.is_file():
        rec["status"] = "missing-binary"
        rec["error"] = f"liftlab binary not found: {a.liftlab}; build it with cargo build --release"
        print(json.dumps(rec), flush=True)
        return 1

    out = Path(tempfile.mkdtemp(prefix="liftlab-case-"))
    try:
        cmd = build_command(a, data, out)
        rec["cmd"] = cmd
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)

    rec["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0, 1)  # KiB on Linux
    # The hash ties the timing to one build, because a rebuild replaces the binary in place. It is
    # taken after the run, and hashlib (which loads OpenSSL) imported only then, so that neither
    # raises the memory the child inherits.
    import hashlib
    with open(a.liftlab, "rb") as binary:
        rec["liftlab_sha256"] = hashlib.file_digest(binary, "sha256").hexdigest()
    rec["exit"] = proc.returncode
    if proc.returncode != 0:
        rec["status"] = "failed"
        rec["stderr_tail"] = proc.stderr.decode(errors="replace")[-600:]
    else:
        rec["status"] = "ok"
        rec["timings"] = {"compute_s": round(wall, 6)}
    print(json.dumps(rec), flush=True)
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
