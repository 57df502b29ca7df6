#!/usr/bin/env python3
"""Cuts one region out of a solved table problem, as a problem of its own, to see how far
the plan is from the best in one place.

The region is a seed site and the open sites that share the most people with it (a site
shares a person when it is in reach of someone the region serves), up to SITES in all; its
problem has the region's share of each point it serves, those sites and the closed sites in
their people's reach as candidates, and p = SITES. It prints what the plan's region costs;
solve the region with `defacto solve` and compare.

    python3 scripts/region.py PROBLEM_DIR PLAN_DIR SEED SITES OUT_DIR

PROBLEM_DIR holds problem.toml, demand.csv, sites.csv and costs.csv (as written by
`cargo run --release --example generate -- city ...`); PLAN_DIR is `defacto solve`'s --out
folder for it (assignments.csv and open_sites.csv).
"""
import collections
import csv
import os
import sys


def rows(folder, name):
    with open(os.path.join(folder, name)) as f:
        yield from csv.DictReader(f)


def main(problem_dir, plan_dir, seed, size, out):
    costs = collections.defaultdict(dict)
    for r in rows(problem_dir, "costs.csv"):
        costs[r["demand_id"]][r["site_id"]] = float(r["cost"])
    demand = {r["id"]: float(r["demand"]) for r in rows(problem_dir, "demand.csv")}
    capacity = {r["id"]: r["capacity"] for r in rows(problem_dir, "sites.csv")}
    served = collections.defaultdict(list)
    for r in rows(plan_dir, "assignments.csv"):
        served[r["site_id"]].append((r["demand_id"], float(r["share"])))
    open_sites = {r["site_id"] for r in rows(plan_dir, "open_sites.csv")}

    region = [seed]
    shared = collections.Counter()
    while len(region) < size:
        for point, _ in served[region[-1]]:
            for site in costs[point]:
                if site in open_sites and site not in region:
                    shared[site] += 1
        for site in region:
            shared.pop(site, None)
        if not shared:
            break
        region.append(max(shared, key=lambda s: (shared[s], s)))

    share = collections.Counter()
    cost = 0.0
    for site in region:
        for point, s in served[site]:
            share[point] += s
            cost += s * demand[point] * costs[point][site]
    candidates = set(region)
    for point in share:
        candidates.update(s for s in costs[point] if s not in open_sites)

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "demand.csv"), "w") as f:
        f.write("id,demand\n")
        for point in sorted(share):
            f.write(f"{point},{share[point] * demand[point]}\n")
    with open(os.path.join(out, "sites.csv"), "w") as f:
        f.write("id,capacity,fixed_cost,status\n")
        for site in sorted(candidates):
            f.write(f"{site},{capacity[site]},0,candidate\n")
    with open(os.path.join(out, "costs.csv"), "w") as f:
        f.write("demand_id,site_id,cost\n")
        for point in sorted(share):
            for site, c in costs[point].items():
                if site in candidates:
                    f.write(f"{point},{site},{c}\n")
    with open(os.path.join(out, "problem.toml"), "w") as f:
        f.write(f'objective = "p_median"\np = {len(region)}\ndemand = "demand.csv"\n'
                'sites = "sites.csv"\ncosts = "costs.csv"\n')
    print(f"region of {len(region)} sites, {len(share)} points, {len(candidates)} candidates; "
          f"the plan serves it for {cost:,.0f}")


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
