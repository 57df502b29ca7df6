#!/usr/bin/env python3
"""The LP relaxation of a capacitated p-median or fixed-charge problem given as tables, solved
by HiGHS.

Tells how far defacto's Lagrangian bound is from the best bound its relaxation can give:
both relax the same model (each point served once, a site serves at most its capacity and
only when open, x_ij <= y_j, p sites or opening costs), so at its best the Lagrangian bound
equals this LP.

    python3 -m venv /tmp/lp-venv && /tmp/lp-venv/bin/pip install highspy numpy
    /tmp/lp-venv/bin/python scripts/lp_relaxation.py PROBLEM_DIR [--solver simplex|ipm]

With `--plan PLAN_DIR` (a `defacto solve --out` folder for the same problem) the plan's
sites are fixed, and the LP is the least cost at which they can serve everyone within their
capacities: set against the plan's objective, how far its allocation is from the best.

PROBLEM_DIR holds problem.toml and its tables (demand.csv, sites.csv, costs.csv) as written
by `cargo run --release --example generate -- city` (a p-median) or `-- fixed` (`min_cost`,
opening costs, no p): each trip weighted by the point's demand, every site with a capacity.
Prints the LP optimum and the seconds HiGHS took. On the fixed-charge city of 10,000 points
(`generate fixed --points 10000 --sites 1000`) `--solver ipm` takes about 6 minutes.
Slow beyond a few thousand points: on a 5,000-point city the simplex took 21 minutes,
`--solver ipm` 4; on 10,000 points `--solver ipm` took 33 minutes (sharing the machine).
"""

import argparse
import csv
import time
import tomllib
from pathlib import Path

import highspy
import numpy as np


def read_problem(folder: Path):
    """Demand per point, capacity and opening cost per site, arcs (point, site, cost of serving
    all of it), and p (None when the number of sites is free)."""
    with open(folder / "problem.toml", "rb") as f:
        problem = tomllib.load(f)
    point_index, demand = {}, []
    with open(folder / problem["demand"]) as f:
        for row in csv.DictReader(f):
            point_index[row["id"]] = len(demand)
            demand.append(float(row["demand"]))
    site_index, capacity, opening = {}, [], []
    with open(folder / problem["sites"]) as f:
        for row in csv.DictReader(f):
            site_index[row["id"]] = len(capacity)
            capacity.append(float(row["capacity"]))
            opening.append(float(row.get("fixed_cost") or 0.0))
    points, sites, costs = [], [], []
    with open(folder / problem["costs"]) as f:
        for row in csv.DictReader(f):
            i = point_index[row["demand_id"]]
            points.append(i)
            sites.append(site_index[row["site_id"]])
            costs.append(float(row["cost"]) * demand[i])
    return (
        np.array(demand),
        np.array(capacity),
        np.array(opening),
        np.array(points),
        np.array(sites),
        np.array(costs),
        int(problem["p"]) if "p" in problem else None,
    )


def relaxation(demand, capacity, opening, points, sites, costs, p) -> highspy.HighsLp:
    """Columns: one share x per arc, then one y per site (costing its opening). Rows: each
    point served once, each site's load within y times its capacity, x <= y per arc, and p
    sites when p is given."""
    n, m, arcs = len(demand), len(capacity), len(points)
    arc = np.arange(arcs)
    site = np.arange(m)
    # (row, column, value) triples, block by block.
    blocks = [
        (points, arc, np.ones(arcs)),  # each point's shares sum to 1
        (n + sites, arc, demand[points]),  # the people a site serves ...
        (n + site, arcs + site, -capacity),  # ... are at most y times its capacity
        (n + m + arc, arc, np.ones(arcs)),  # x_ij ...
        (n + m + arc, arcs + sites, -np.ones(arcs)),  # ... <= y_j
    ]
    if p is not None:
        blocks.append((np.full(m, n + m + arcs), arcs + site, np.ones(m)))  # p sites
    rows, cols, values = (np.concatenate(part) for part in zip(*blocks))
    order = np.lexsort((rows, cols))
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_ = arcs + m
    lp.num_row_ = n + m + arcs + (p is not None)
    lp.col_cost_ = np.concatenate([costs, opening])
    lp.col_lower_ = np.zeros(arcs + m)
    lp.col_upper_ = np.ones(arcs + m)
    p_row = [p] if p is not None else []
    lp.row_lower_ = np.concatenate([np.ones(n), np.full(m + arcs, -inf), p_row])
    lp.row_upper_ = np.concatenate([np.ones(n), np.zeros(m + arcs), p_row])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(cols[order], np.arange(arcs + m + 1)).astype(np.int32)
    lp.a_matrix_.index_ = rows[order].astype(np.int32)
    lp.a_matrix_.value_ = values[order]
    return lp


def fix_sites(lp: highspy.HighsLp, folder: Path, plan: Path) -> None:
    """Fixes the y columns (the last ones, one per site in sites.csv order) to the plan."""
    with open(folder / "sites.csv") as f:
        ids = [row["id"] for row in csv.DictReader(f)]
    with open(plan / "open_sites.csv") as f:
        opened = {row["site_id"] for row in csv.DictReader(f)}
    y = np.array([1.0 if site in opened else 0.0 for site in ids])
    first = lp.num_col_ - len(ids)
    lp.col_lower_ = np.concatenate([lp.col_lower_[:first], y])
    lp.col_upper_ = np.concatenate([lp.col_upper_[:first], y])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder with problem.toml and its tables")
    parser.add_argument("--solver", default="simplex", choices=["simplex", "ipm"])
    parser.add_argument("--plan", type=Path, help="a `defacto solve --out` folder: fix its "
                        "open sites (y = 1, the rest 0), which leaves the transportation "
                        "program of that plan, the least its sites can serve everyone for")
    args = parser.parse_args()
    lp = relaxation(*read_problem(args.folder))
    if args.plan:
        fix_sites(lp, args.folder, args.plan)
    highs = highspy.Highs()
    highs.setOptionValue("solver", args.solver)
    highs.passModel(lp)
    started = time.time()
    highs.run()
    print(f"LP {highs.getInfo().objective_function_value:.1f} in {time.time() - started:.1f} s")


if __name__ == "__main__":
    main()
