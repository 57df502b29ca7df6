#!/usr/bin/env python3
"""What a plan's sites would cost with every person at the nearest open one, capacity aside.

Set against the plan's objective, it tells how much of a capacitated plan's cost comes from
capacity (people sent past a full site) and how much from where the sites are.

    python3 scripts/nearest_cost.py PROBLEM_DIR PLAN_DIR

PROBLEM_DIR holds problem.toml, demand.csv and costs.csv (as written by `cargo run
--release --example generate -- city ...`, where a cost is per person); PLAN_DIR is
`defacto solve`'s --out folder for it (open_sites.csv). Prints the cost and how many points
have an open site in reach.
"""
import csv
import os
import sys


def rows(folder, name):
    with open(os.path.join(folder, name)) as f:
        yield from csv.DictReader(f)


def main(problem_dir, plan_dir):
    demand = {r["id"]: float(r["demand"]) for r in rows(problem_dir, "demand.csv")}
    open_sites = {r["site_id"] for r in rows(plan_dir, "open_sites.csv")}
    nearest = {}
    for r in rows(problem_dir, "costs.csv"):
        if r["site_id"] in open_sites:
            point, cost = r["demand_id"], float(r["cost"])
            nearest[point] = min(cost, nearest.get(point, cost))
    total = sum(demand[point] * cost for point, cost in nearest.items())
    print(f"nearest open site for everyone: {total:,.0f} "
          f"({len(nearest)} of {len(demand)} points have one in reach)")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
