"""ikz-isms county plugin: Landkreis Cochem-Zell (data in ../../data)."""

from pathlib import Path

from ikz_isms.county import county_plugin

ikz_register_counties = county_plugin(Path(__file__).resolve().parents[2] / "data")
