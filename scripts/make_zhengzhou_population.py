#!/usr/bin/env python3
"""Builds maps/zhengzhou/residents_2010_assumed_split.csv from the census table beside it, and
maps/zhengzhou/residents_erqi_phased_assumed.csv, Erqi's residents in 2010, 2020 and 2030 for
the phased example.

Resident population per district is the 2010 census (a fact). Its split into registered
(hukou) and non-hukou residents is an ASSUMPTION: no district table of migrants is public, so
every district gets the city-wide 2021 share (9,114,500 hukou of 12,742,000 residents).
A bureau with real figures replaces the two columns.

The phased table is 2010's census (a fact); for 2020 the lower end of the official band of the
7th census (">1.0M", the table has no exact figure), 1,000,000; for 2030 an ASSUMPTION: the
yearly growth of 2010 -> 2020 (3.45 %) goes on for ten more years. Each year is split by the
same city-wide 2021 share.

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
    write_erqi_phases()


ERQI_2010, ERQI_2020 = 712_597, 1_000_000


def write_erqi_phases():
    """Erqi's residents by year: 2010 census, 2020 band floor, 2030 projected."""
    yearly = (ERQI_2020 / ERQI_2010) ** (1 / 10)
    residents = {2010: ERQI_2010, 2020: ERQI_2020, 2030: round(ERQI_2020 * yearly ** 10)}
    out_path = os.path.join(MAPS, "residents_erqi_phased_assumed.csv")
    with open(out_path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        header = ["name"]
        row = ["二七区"]
        for year, people in residents.items():
            hukou = people * HUKOU_2021 // RESIDENTS_2021
            header += [f"hukou_{year}", f"non_hukou_{year}"]
            row += [hukou, people - hukou]
        writer.writerow(header + ["source"])
        writer.writerow(row + [f"2010: census; 2020: ASSUMPTION, the floor of the official 7th-census band (>1.0M); 2030: ASSUMPTION, 2010->2020 growth of {100 * (yearly - 1):.2f} % a year continued; hukou/non_hukou split: ASSUMPTION, city-wide 2021 share 9,114,500/12,742,000"])
    print(f"wrote {out_path}")


if __name__ == "__main__":
    main()
