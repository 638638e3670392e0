#!/usr/bin/python3
"""The Python contender of bench/run: one Smart Search with requests, JSON decoded and printed.

Usage: client.py URL USER PASSWORD CACERT
"""
import json
import sys

import requests


def main():
    url, user, password, cacert = sys.argv[1:5]
    resp = requests.get(url, auth=(user, password), verify=cacert,
                        headers={"Accept": "application/json"}, timeout=60)
    resp.raise_for_status()
    data = resp.json()
    json.dump({"Proofpoint": {"SmartSearch": data.get("result", [])}}, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
