#!/usr/bin/env python3
"""Builds maps/zhengzhou/residents_2010_assumed_split.csv from the census table beside it.

Resident population per district is the 2010 census (a fact). Its split into registered
(hukou) and non-hukou residents is an ASSUMPTION: no district table of migrants is public, so
every district gets the city-wide 2021 share (9,114,500 hukou of 12,742,000 residents).
A bureau with real figures replaces the two columns.

    python3 scripts/make_zhengzhou_population.py
"""
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
MAPS = os.path.join(HERE, "..", "maps", "zhengzhou")
HUKOU_2021, RESIDENTS_2021 = 9_114_500, 12_742_000


def main():
    rows = csv.DictReader(open(os.path.join(MAPS, "population_by_district.csv"), encoding="utf-8"))
    out_path = os.path.join(MAPS, "residents_2010_assumed_split.csv")
    with open(out_path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "adcode", "residents", "hukou", "non_hukou", "source"])
        for row in rows:
            residents = row["census2010_resident"]
            if row["unit_type"] not in ("district", "county", "county-level city") or not residents:
                continue
            residents = int(residents)
            hukou = residents * HUKOU_2021 // RESIDENTS_2021
            writer.writerow([row["name"], row["adcode"], residents, hukou, residents - hukou,
                             "residents: 2010 census; hukou/non_hukou split: ASSUMPTION, city-wide 2021 share 9,114,500/12,742,000"])
    print(f"wrote {out_path}")


if __name__ == "__main__":
    main()
